"""Outage notices: the rules of notice, the set-based publish, telling again, closing, the pages and the API."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus
from services.models import Channel, Notification
from services.notices import actions
from services.notices.history import outage_history
from services.notices.models import NoticeKind, NoticeStatus, OutageNotice
from services.repair import actions as repair
from services.repair.models import FaultType, Triage
from tests.factories import CustomerFactory, ElectricityAccountFactory, ServiceGridFactory
from tests.services.repair.test_actions import crew_on_site

NUMBERS = itertools.count(4400000000)


def account(**fields):
    """An account with a number of its own (the personas hold 3300000001 and 3300000002)."""
    return ElectricityAccountFactory(number=str(next(NUMBERS)), **fields)


def _draft(by, grids, *, kind=NoticeKind.PLANNED, days=8, hours=4):
    starts = timezone.now() + timedelta(days=days)
    return actions.draft_notice(
        by=by, kind=kind, starts_at=starts, ends_at=starts + timedelta(hours=hours),
        reason="线路检修", area="海门街道东山路一带", grids=grids,
    )  # fmt: skip


@pytest.fixture
def notice(charlie, grid, alice, bob):
    return _draft(charlie, [grid])


def test_publishing_tells_every_linked_user_in_the_inbox_and_every_phone_by_sms(notice, charlie, grid, alice):
    account(grid=grid, customer=CustomerFactory(phone="18800000009"))  # not linked
    account(grid=grid, customer=CustomerFactory(phone=""))  # nobody to tell
    account(grid=grid, status=AccountStatus.CLOSED, customer=CustomerFactory(phone="18800000010"))
    account(
        grid=ServiceGridFactory(code="TQ09999", department=grid.department),
        customer=CustomerFactory(phone="18800000011"),
    )
    actions.publish_notice(notice, by=charlie)
    rows = Notification.objects.filter(template="outage_notice")
    inbox = set(rows.filter(channel="inbox").values_list("recipient__username", flat=True))
    assert inbox == {"alice", "bob"}
    sms = set(rows.filter(channel="sms").values_list("address", flat=True))
    assert "18800000009" in sms and "18800000010" not in sms and "18800000011" not in sms
    assert rows.get(recipient=alice, channel="inbox").context["area"] == "海门街道东山路一带"


def test_a_person_with_two_accounts_on_the_grid_hears_once(notice, charlie, grid, alice):
    account(grid=grid, linked_user=alice, linked_at=timezone.now())
    actions.publish_notice(notice, by=charlie)
    assert Notification.objects.filter(recipient=alice, channel="inbox").count() == 1


def test_publishing_runs_a_fixed_number_of_queries_whatever_the_number_of_customers(charlie, grid):
    few = _draft(charlie, [grid])
    with CaptureQueriesContext(connection) as small:
        actions.publish_notice(few, by=charlie)
    for _ in range(30):
        account(grid=grid)
    many = _draft(charlie, [grid])
    with CaptureQueriesContext(connection) as large:
        actions.publish_notice(many, by=charlie)
    assert len(large) == len(small)
    assert Notification.objects.filter(dedupe_key__startswith=f"notice:{many.pk}:").count() >= 30


def test_a_planned_outage_less_than_7_days_ahead_needs_a_managers_reason(charlie, mona, grid, alice):
    notice = _draft(charlie, [grid], days=3)
    with pytest.raises(ValidationError, match="7 days"):
        actions.publish_notice(notice, by=charlie, override_reason="急需")
    with pytest.raises(ValidationError, match="reason"):
        actions.publish_notice(notice, by=mona)
    actions.publish_notice(notice, by=mona, override_reason="变压器渗油，须尽快处理")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.override_by == mona


def test_a_temporary_outage_needs_24_hours_notice(charlie, grid):
    notice = _draft(charlie, [grid], kind=NoticeKind.TEMPORARY, days=1, hours=2)
    OutageNotice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() + timedelta(hours=5))
    with pytest.raises(ValidationError, match="24 hours"):
        actions.publish_notice(notice, by=charlie)
    ok = _draft(charlie, [grid], kind=NoticeKind.TEMPORARY, days=2)
    assert actions.publish_notice(ok, by=charlie).status == NoticeStatus.PUBLISHED


def test_publishing_twice_is_refused_and_tells_nobody_twice(notice, charlie):
    actions.publish_notice(notice, by=charlie)
    count = Notification.objects.count()
    with pytest.raises(actions.NoticeRefused):
        actions.publish_notice(notice, by=charlie)
    assert Notification.objects.count() == count


def test_a_change_of_time_and_a_cancellation_tell_them_again(notice, charlie, alice):
    actions.publish_notice(notice, by=charlie)
    later = notice.starts_at + timedelta(days=1)
    actions.change_notice(notice, by=charlie, starts_at=later, ends_at=later + timedelta(hours=3))
    actions.cancel_notice(notice, by=charlie)
    templates = list(Notification.objects.filter(recipient=alice, channel="inbox").values_list("template", flat=True))
    assert sorted(templates) == ["outage_notice", "outage_notice_cancelled", "outage_notice_changed"]
    with pytest.raises(actions.NoticeRefused):
        actions.change_notice(notice, by=charlie, starts_at=later, ends_at=later + timedelta(hours=1))


def test_customers_and_crews_may_not_write_notices(alice, ray, grid):
    for user in (alice, ray):
        with pytest.raises(PermissionDenied):
            _draft(user, [grid])


def test_restoring_power_closes_a_live_notice_and_counts_in_the_history(notice, charlie, grid, alice, bob):
    actions.publish_notice(notice, by=charlie)
    with pytest.raises(actions.NoticeRefused):
        actions.restore_power(notice, by=charlie)  # not started yet
    OutageNotice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    actions.restore_power(notice, by=charlie)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESTORED
    assert Notification.objects.filter(recipient=alice, template="outage_notice_restored").exists()
    from services.figures import refresh_grid_figures

    refresh_grid_figures()
    now = timezone.now()
    [row] = outage_history(since=now - timedelta(days=1), until=now + timedelta(minutes=1))
    assert row.outages == 1 and row.accounts == 2
    assert row.hours == pytest.approx(2, abs=0.05) and float(row.customer_hours) == pytest.approx(4, abs=0.1)


def test_a_no_power_report_under_a_live_notice_is_triaged_as_a_known_outage(notice, charlie, alice):
    actions.publish_notice(notice, by=charlie)
    OutageNotice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    account = alice.linked_accounts.get()
    order = repair.report_fault(
        by=alice, channel=Channel.WEB, fault_type=FaultType.NO_POWER_HOME, description="停电了", account=account
    )
    assert order.fault.triage == Triage.OUTAGE and order.status == "resolved"
    assert "announced work" in order.result


def test_an_area_fault_publishes_a_fault_notice_and_restoration_closes_it(alice, bob, li, clock):
    account = alice.linked_accounts.get()
    order = repair.report_fault(
        by=alice, channel=Channel.WEB, fault_type=FaultType.NO_POWER_AREA, description="整片停电", account=account
    )
    notice = OutageNotice.objects.get(kind=NoticeKind.FAULT)
    assert notice.is_live and notice.outage == order.fault.outage
    assert Notification.objects.filter(recipient=bob, template="outage_notice").exists()
    order = crew_on_site(order, li, clock, 30)
    repair.restore(order, by=li, cause="跌落保险熔断")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESTORED


def test_the_public_lookup_needs_no_login_and_hides_drafts(client, notice, charlie, django_assert_max_num_queries):
    draft = _draft(charlie, [notice.grids.get()])
    actions.publish_notice(notice, by=charlie)
    for _ in range(5):
        actions.publish_notice(_draft(charlie, [notice.grids.get()]), by=charlie)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("notices:lookup"), {"q": "海门"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("notices:lookup"), {"q": "没有这个地方"}).context["page"].paginator.count == 0


def test_the_api_lists_notices_by_grid_in_a_fixed_number_of_queries(
    client, notice, charlie, grid, django_assert_max_num_queries
):
    actions.publish_notice(notice, by=charlie)
    for _ in range(5):
        actions.publish_notice(_draft(charlie, [grid]), by=charlie)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("api:notice-list"), {"grid": grid.code})
    assert response.status_code == 200 and response.json()["count"] == 6
    assert response.json()["results"][0]["grids"] == [{"code": grid.code, "name": grid.name}]
    assert client.get(reverse("api:notice-detail", args=[notice.pk])).json()["phase"] == "upcoming"


def test_the_customer_home_page_shows_notices_on_their_grids(
    client, notice, charlie, alice, django_assert_max_num_queries
):
    actions.publish_notice(notice, by=charlie)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:home"))
    assert [n.pk for n in response.context["notices"]] == [notice.pk]
    assert "海门街道东山路一带" in response.content.decode()


def test_staff_publish_from_the_page_and_a_refusal_is_a_409(client, notice, charlie, alice):
    client.force_login(charlie)
    url = reverse("notices:act", args=[notice.pk, "publish"])
    assert client.post(url, {"override_reason": ""}).status_code == 302
    assert client.post(url, {"override_reason": ""}).status_code == 409
    client.force_login(alice)
    assert client.post(url).status_code == 403


def test_staff_write_a_notice_by_grid_codes(client, charlie, grid):
    client.force_login(charlie)
    starts = (timezone.localtime() + timedelta(days=9)).replace(second=0, microsecond=0)
    data = {
        "kind": "planned", "grids": f"{grid.code} NOPE", "reason": "检修", "area": "东山路",
        "starts_at": f"{starts:%Y-%m-%dT%H:%M}", "ends_at": f"{starts + timedelta(hours=3):%Y-%m-%dT%H:%M}",
    }  # fmt: skip
    response = client.post(reverse("notices:new"), data)
    assert "NOPE" in response.content.decode()
    data["grids"] = grid.code
    response = client.post(reverse("notices:new"), data)
    assert response.status_code == 302
    assert OutageNotice.objects.get().status == NoticeStatus.DRAFT


def test_the_staff_pages_run_a_fixed_number_of_queries(client, charlie, mona, grid, django_assert_max_num_queries):
    client.force_login(charlie)
    for _ in range(3):
        _draft(charlie, [grid])
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("notices:manage"))
    for _ in range(10):
        notice = _draft(charlie, [grid, ServiceGridFactory(department=grid.department)])
        actions.publish_notice(notice, by=charlie)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("notices:manage")).status_code == 200
    client.force_login(mona)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notices:history")).status_code == 200
    client.force_login(charlie)
    assert client.get(reverse("notices:manage")).status_code == 200


def test_crews_and_customers_may_not_open_the_staff_pages(client, ray, alice):
    for user in (ray, alice):
        client.force_login(user)
        for name in ("notices:manage", "notices:new", "notices:history"):
            assert client.get(reverse(name)).status_code == 403


def test_publishing_also_tells_every_address_by_email_once(notice, charlie, grid, alice):
    alice.email = "Alice@Example.com"
    alice.save(update_fields=["email"])
    account(grid=grid, linked_user=alice, linked_at=timezone.now())  # a second home of hers on the 台区
    account(grid=grid, customer=CustomerFactory(phone="", email="wang@example.com"))  # not linked: the file's
    account(grid=grid, customer=CustomerFactory(phone="", email=""))  # no address
    actions.publish_notice(notice, by=charlie)
    mail = list(
        Notification.objects.filter(template="outage_notice", channel="email").values_list("address", flat=True)
    )
    assert sorted(mail) == ["alice@example.com", "wang@example.com"]
