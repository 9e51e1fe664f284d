"""The work-order pages through the client: customers' requests and progress, staff queues, actions, dispatch."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ElectricityAccount, Role, User
from services import actions
from services.applications import actions as applications
from services.applications.models import SERVICE_APPLICATION, ServiceApplicationType
from services.models import Channel, Clock, ClockState, EventKind, ReturnVisit, Status, WorkOrder
from services.repair import actions as repair
from services.repair.models import FAULT_REPAIR, FaultType
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report(user: User, *, fault_type: str = FaultType.NO_POWER_HOME) -> WorkOrder:
    """A fault on the user's linked account, reported on the web."""
    account = ElectricityAccount.objects.get(linked_user=user)
    return repair.report_fault(
        by=user, channel=Channel.WEB, fault_type=fault_type, description="停电了", account=account
    )


def apply_for(user: User, kind: str = ServiceApplicationType.METER_CALIBRATION) -> WorkOrder:
    account = ElectricityAccount.objects.get(linked_user=user)
    return applications.file_service_application(
        by=user, channel=Channel.WEB, application_type=kind, description="表计校验", account=account
    )


def walk_to_resolved(order: WorkOrder, crew: User) -> WorkOrder:
    repair.accept_dispatch(order, by=crew)
    repair.depart(order, by=crew)
    repair.arrive(order, by=crew)
    return repair.restore(order, by=crew, cause="熔断器烧毁")


# --- Customers ------------------------------------------------------------------------------------------


def test_a_customer_reports_a_fault_and_lands_on_its_progress_page(client, alice, ray):
    client.force_login(alice)
    response = client.post(
        reverse("services:report-fault"),
        {
            "account": "3300000001",
            "fault_type": FaultType.NO_POWER_HOME,
            "description": "全屋停电",
            "contact_phone": "13900000001",
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:order", args=[order.number])
    assert (order.kind, order.reported_by, order.channel) == (FAULT_REPAIR, alice, Channel.WEB)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert order.number in page.content.decode()


def test_a_customer_cannot_report_on_someone_elses_account(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        reverse("services:report-fault"),
        {
            "account": "3300000002",
            "fault_type": FaultType.NO_POWER_HOME,
            "description": "x",
            "contact_phone": "13900000001",
        },
    )
    assert response.status_code == 400
    assert "account" in response.context["form"].errors
    assert not WorkOrder.objects.exists()


def test_a_customer_files_a_service_application(client, alice, grace):
    client.force_login(alice)
    response = client.post(
        reverse("services:file-application"),
        {
            "account": "3300000001",
            "application_type": ServiceApplicationType.METER_CALIBRATION,
            "description": "表走得快",
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert (order.kind, order.sub_type) == (SERVICE_APPLICATION, ServiceApplicationType.METER_CALIBRATION)


def test_my_requests_lists_only_the_customers_own_with_the_next_deadline(client, alice, bob, ray):
    mine, theirs = report(alice), report(bob)
    client.force_login(alice)
    response = client.get(reverse("services:my-requests"))
    rows = list(response.context["page"].object_list)
    assert rows == [mine]
    arrival = Clock.objects.get(order=mine, name="arrival")
    assert rows[0].next_due_at == arrival.due_at
    assert theirs.number not in response.content.decode()


def test_the_progress_page_shows_public_events_only(client, alice, ray):
    order = report(alice)
    actions.add_comment(order, by=ray, text="内部：先去变压器看看", public=False)
    actions.add_comment(order, by=ray, text="抢修人员已出发", public=True)
    client.force_login(alice)
    page = client.get(reverse("services:order", args=[order.number])).content.decode()
    assert "抢修人员已出发" in page
    assert "内部：先去变压器看看" not in page


def test_staff_see_internal_events_on_the_order_page(client, alice, ray):
    order = report(alice)
    actions.add_comment(order, by=ray, text="内部：先去变压器看看", public=False)
    client.force_login(ray)
    assert "内部：先去变压器看看" in client.get(reverse("services:order", args=[order.number])).content.decode()


def test_a_customer_chases_an_open_order_and_its_priority_rises(client, alice, ray):
    order = report(alice)
    client.force_login(alice)
    response = client.post(reverse("services:step", args=[order.number, "chase"]), {"note": "快点"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.events.filter(kind=EventKind.CHASE).count() == 1


def test_chasing_a_closed_order_is_refused_with_409(client, alice, ray):
    order = report(alice)
    walk_to_resolved(order, ray)
    repair.confirm_restoration(order, by=alice)
    client.force_login(alice)
    response = client.post(reverse("services:step", args=[order.number, "chase"]))
    assert response.status_code == 409
    assert not WorkOrder.objects.get(pk=order.pk).events.filter(kind=EventKind.CHASE).exists()


def test_a_customer_confirms_the_restoration_and_the_order_closes(client, alice, ray):
    order = report(alice)
    walk_to_resolved(order, ray)
    client.force_login(alice)
    page = client.get(reverse("services:order", args=[order.number]))
    assert [form.step.name for form in page.context["step_forms"]] == [
        "confirm",
        "dispute",
        "message",
    ]  # no chase when resolved
    response = client.post(reverse("services:step", args=[order.number, "confirm"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.fault.customer_confirmed is True


def test_a_customer_disputes_the_restoration_and_a_crew_goes_again(client, alice, ray):
    order = report(alice)
    walk_to_resolved(order, ray)
    client.force_login(alice)
    response = client.post(reverse("services:step", args=[order.number, "dispute"]), {"note": "还是没电"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED
    assert order.fault.customer_confirmed is False


def test_a_customer_rates_a_closed_order_through_the_link_once(client, alice, ray):
    order = report(alice)
    walk_to_resolved(order, ray)
    repair.confirm_restoration(order, by=alice)
    client.force_login(alice)
    token = client.get(reverse("services:order", args=[order.number])).context["rate_token"]
    client.logout()
    url = reverse("services:return-visit", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"overall": "4", "timeliness": "5", "comment": "挺快"})
    assert response.status_code == 200
    visit = ReturnVisit.objects.get(order=order)
    assert (visit.overall, visit.timeliness, visit.courtesy) == (4, 5, None)
    again = client.get(url)
    assert again.status_code == 410
    assert "already been rated" in again.content.decode()


def test_a_tampered_rating_link_is_a_bad_request(client, alice):
    response = client.get(reverse("services:return-visit", args=["1:abc:def"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_an_expired_rating_link_is_gone(client, alice, ray):
    order = report(alice)
    walk_to_resolved(order, ray)
    repair.confirm_restoration(order, by=alice)
    client.force_login(alice)
    token = client.get(reverse("services:order", args=[order.number])).context["rate_token"]
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(reverse("services:return-visit", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


# --- Attachments ----------------------------------------------------------------------------------------


def test_a_customer_attaches_a_photo_and_may_download_it(client, alice, ray):
    order = report(alice)
    client.force_login(alice)
    upload = SimpleUploadedFile("meter.png", PNG, content_type="image/png")
    response = client.post(reverse("services:upload", args=[order.number]), {"upload": upload})
    assert response.status_code == 302
    attachment = order.attachments.get()
    download = client.get(reverse("services:attachment", args=[order.number, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


def test_an_upload_that_is_not_an_image_or_pdf_is_refused_on_the_page(client, alice, ray):
    order = report(alice)
    client.force_login(alice)
    upload = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(reverse("services:upload", args=[order.number]), {"upload": upload})
    assert response.status_code == 200
    assert response.context["attachment_form"].errors["upload"]
    assert not order.attachments.exists()


def test_attachments_are_not_served_to_others(client, alice, bob, ray):
    order = report(alice)
    client.force_login(ray)
    upload = SimpleUploadedFile("internal.png", PNG, content_type="image/png")
    client.post(reverse("services:upload", args=[order.number]), {"upload": upload, "is_public": ""})
    internal = order.attachments.get()
    url = reverse("services:attachment", args=[order.number, internal.pk])
    assert client.get(url).status_code == 200
    client.force_login(alice)  # the order's own customer does not get an internal file
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- Staff ----------------------------------------------------------------------------------------------


def test_the_crew_walks_a_fault_to_resolved_through_the_order_page(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    assert [form.name for form in client.get(reverse("services:order", args=[order.number])).context["actions"]] == [
        "accept",
        "comment",
    ]
    for step, data in [("accept", {}), ("depart", {}), ("arrive", {}), ("restore", {"restore-cause": "熔断器"})]:
        response = client.post(reverse("services:act", args=[order.number, step]), data)
        assert response.status_code == 302, step
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    assert order.fault.cause == "熔断器"


def test_a_refused_transition_shows_its_message_with_409_and_changes_nothing(client, alice, ray):
    order = report(alice)
    events = order.events.count()
    client.force_login(ray)
    response = client.post(reverse("services:act", args=[order.number, "arrive"]))
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED
    assert order.events.count() == events


def test_an_action_for_another_kind_is_refused_with_409(client, alice, ray, grace):
    order = apply_for(alice)
    client.force_login(ray)
    response = client.post(reverse("services:act", args=[order.number, "accept"]))
    assert response.status_code == 409


def test_an_invalid_action_form_shows_its_errors(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    response = client.post(reverse("services:act", args=[order.number, "comment"]), {"comment-text": ""})
    assert response.status_code == 400
    assert not order.events.filter(kind=EventKind.COMMENT).exists()


def test_a_manager_reassigns_an_order(client, alice, ray, mona, station):
    order = report(alice)
    other = User.objects.create(username="rex", role="repair_crew", department=station)
    client.force_login(mona)
    response = client.post(reverse("services:act", args=[order.number, "assign"]), {"assign-assignee": other.pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.assigned_to == other


def test_a_case_worker_walks_an_application_through_evidence_to_resolved(client, alice, grace):
    order = apply_for(alice, ServiceApplicationType.APPLIANCE_DAMAGE)
    client.force_login(grace)
    steps = [
        ("start", {}),
        ("request_evidence", {"request_evidence-note": "请提供发票"}),
        ("receive_evidence", {}),
        ("resolve", {"resolve-result": "已赔偿"}),
    ]
    for step, data in steps:
        response = client.post(reverse("services:act", args=[order.number, step]), data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    order.refresh_from_db()
    assert order.status == Status.RESOLVED


def test_staff_enter_a_fault_for_a_caller_with_no_account(client, charlie, grid, ray):
    client.force_login(charlie)
    response = client.post(
        reverse("services:enter-fault"),
        {
            "channel": Channel.HOTLINE,
            "fault_type": FaultType.DANGER,
            "grid": grid.code,
            "location": "文三路口电线杆",
            "contact_name": "路人",
            "contact_phone": "13900000009",
            "description": "电线掉在地上",
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert (order.channel, order.grid, order.account, order.created_by) == (Channel.HOTLINE, grid, None, charlie)


def test_staff_entering_a_fault_give_an_account_or_a_place(client, charlie, grid):
    client.force_login(charlie)
    data = {
        "channel": Channel.HOTLINE,
        "fault_type": FaultType.DANGER,
        "contact_phone": "13900000009",
        "description": "x",
    }
    response = client.post(reverse("services:enter-fault"), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not WorkOrder.objects.exists()


def test_staff_enter_a_service_application_at_the_counter(client, charlie, alice, grace):
    client.force_login(charlie)
    response = client.post(
        reverse("services:enter-application"),
        {
            "channel": Channel.COUNTER,
            "application_type": ServiceApplicationType.RECONNECTION,
            "account": "3300000001",
            "contact_phone": "13900000001",
            "description": "已缴清欠费",
        },
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().channel == Channel.COUNTER


def test_the_queue_puts_breached_orders_first_then_the_least_time_left(client, alice, bob, ray):
    calm, late, soon = report(alice), report(bob), report(alice)
    now = timezone.now()
    Clock.objects.filter(order=late).update(due_at=now - timedelta(minutes=5))
    Clock.objects.filter(order=soon).update(due_at=now + timedelta(minutes=10))
    Clock.objects.filter(order=calm).update(due_at=now + timedelta(minutes=40))
    client.force_login(ray)
    rows = list(client.get(reverse("services:my-queue")).context["page"].object_list)
    assert rows == [late, soon, calm]
    assert [row.is_breached for row in rows] == [True, False, False]


def test_the_queue_counts_up_to_its_cap_and_then_says_more_than(client, alice, ray, monkeypatch):
    monkeypatch.setattr("services.queues.CappedPaginator.cap", 2)
    client.force_login(ray)
    report(alice)
    assert "1 open order" in client.get(reverse("services:my-queue")).text
    for _n in range(3):
        report(alice)
    response = client.get(reverse("services:my-queue"))
    assert "More than 2 open orders" in response.text
    assert response.context["page"].paginator.count == 3  # cap + 1: the last page is as deep as a page goes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sla_state": "breached"}, ["late"]),
        ({"sla_state": "warning"}, ["warned"]),
        ({"sla_state": "on_track"}, ["calm"]),
        ({"kind": SERVICE_APPLICATION}, []),
        ({"status": Status.ASSIGNED, "sla_state": "breached"}, ["late"]),
        ({"grid": "NOPE"}, []),
    ],
)
def test_the_team_queue_filters(client, alice, bob, ray, mona, query, expected):
    orders = {"calm": report(alice), "late": report(bob), "warned": report(alice)}
    Clock.objects.filter(order=orders["late"]).update(due_at=timezone.now() - timedelta(minutes=1))
    Clock.objects.filter(order=orders["warned"]).update(warning_level=1)
    client.force_login(mona)
    rows = client.get(reverse("services:team-queue"), query).context["page"].object_list
    assert {row.pk for row in rows} == {orders[name].pk for name in expected}


def test_a_paused_clock_puts_the_order_under_paused(client, alice, grace):
    order = apply_for(alice, ServiceApplicationType.APPLIANCE_DAMAGE)
    applications.start_work(order, by=grace)
    applications.request_evidence(order, by=grace, note="发票")
    client.force_login(grace)
    rows = client.get(reverse("services:team-queue"), {"sla_state": "paused"}).context["page"].object_list
    assert [row.pk for row in rows] == [order.pk]


def test_the_dispatch_board_shows_open_repairs_with_their_arrival_due_time(client, alice, ray):
    order = report(alice)
    arrival = Clock.objects.get(order=order, name="arrival", state=ClockState.RUNNING)
    client.force_login(ray)
    page = client.get(reverse("services:dispatcher"))
    assert page.status_code == 200
    assert f'data-due-at="{timezone.localtime(arrival.due_at).isoformat()}"' in page.content.decode()
    fragment = client.get(reverse("services:dispatcher"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert order.number in fragment.content.decode()


def test_the_inbox_lists_messages_and_marks_them_read(client, alice, ray):
    client.force_login(ray)
    report(alice)  # the crew hears of the assignment (delivered at once when no broker is configured)
    response = client.post(reverse("services:inbox"))
    assert response.status_code == 302
    assert client.get(reverse("services:inbox")).context["inbox_unread"] == 0


# --- Query counts ---------------------------------------------------------------------------------------


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("alice", "services:my-requests"),
        ("ray", "services:my-queue"),
        ("mona", "services:team-queue"),
        ("ray", "services:dispatcher"),
    ],
)
def test_list_pages_cost_the_same_queries_for_few_or_many_orders(client, personas, persona, url_name):
    client.force_login(personas[persona])
    url = reverse(url_name)
    report(personas["alice"])
    few = _queries_for(client, url)
    for _n in range(6):
        order = report(personas["alice"])
        actions.add_comment(order, by=personas["ray"], text="x", public=True)
    many = _queries_for(client, url)
    assert WorkOrder.objects.count() == 7
    assert few == many


def test_only_the_assigned_crew_member_reports_the_crews_steps(client, alice, ray, station):
    order = report(alice)
    assert order.assigned_to == ray
    other_crew = StaffFactory(username="rex", role=Role.REPAIR_CREW, department=station)
    client.force_login(other_crew)
    assert client.post(reverse("services:act", args=[order.number, "accept"])).status_code == 403
    page = client.get(reverse("services:order", args=[order.number])).text
    assert 'action="' + reverse("services:act", args=[order.number, "accept"]) not in page
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED
    client.force_login(ray)
    assert client.post(reverse("services:act", args=[order.number, "accept"])).status_code == 302


@pytest.mark.parametrize("persona", ["alice", "ray"])
def test_the_order_page_costs_the_same_queries_for_a_short_or_long_timeline(client, personas, persona):
    alice, ray = personas["alice"], personas["ray"]
    order = report(alice)
    client.force_login(personas[persona])
    url = reverse("services:order", args=[order.number])
    few = _queries_for(client, url)
    for n in range(8):
        actions.add_comment(order, by=ray, text=f"进展 {n}", public=True)
    client.force_login(alice)
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(reverse("services:upload", args=[order.number]), {"upload": upload})
    assert order.attachments.count() == 1 and order.events.count() > 8
    client.force_login(personas[persona])
    assert _queries_for(client, url) == few


def test_the_inbox_costs_the_same_queries_for_few_or_many_messages(client, alice, ray):
    client.force_login(alice)
    report(alice)
    few = _queries_for(client, reverse("services:inbox"))
    for _n in range(5):
        report(alice)
    assert _queries_for(client, reverse("services:inbox")) == few
