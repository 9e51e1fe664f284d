"""Return visits: the signed link works once and expires, the rating is credited, staff can rate by phone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from services.actions import NewOrder, assign, change_status, open_order
from services.applications.models import SERVICE_APPLICATION
from services.models import Channel, EventKind, Notification, ReturnVisit, Status, VisitChannel, WorkOrder
from services.visits import (
    CHARACTERISTICS,
    VisitRefused,
    order_for_token,
    record_return_visit,
    send_return_visit_link,
    visit_token,
)

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


def closed_order(customer, assignee, *, by, **particulars) -> WorkOrder:
    """A service application taken through its steps to closed, by the actions the portal uses."""
    account = customer.linked_accounts.get() if customer else None
    new = NewOrder(
        kind=SERVICE_APPLICATION,
        channel=Channel.WEB if customer else Channel.HOTLINE,
        description="Meter runs fast",
        account_id=account.pk if account else None,
        reported_by=customer,
        **particulars,
    )
    order = open_order(new, by=customer or by)
    assign(order, assignee, by=by)
    for status in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        order = change_status(order, status, by=by)
    return order


@pytest.fixture
def order(alice, grace) -> WorkOrder:
    return closed_order(alice, grace, by=grace)


def rate(order: WorkOrder, *, by=None, channel: str = VisitChannel.WEB, overall: int = 4, **scores) -> ReturnVisit:
    return record_return_visit(order, by=by, channel=channel, overall=overall, scores=scores, comment="Quick work")


def test_the_link_opens_its_order_until_the_order_is_rated(order) -> None:
    token = visit_token(order)
    assert order_for_token(token) == order

    rate(order)

    with pytest.raises(VisitRefused) as refusal:
        order_for_token(token)
    assert refusal.value.reason == "used"


def test_a_link_works_on_its_last_day_and_is_refused_after_it(order, time_machine) -> None:
    time_machine.move_to(NOW, tick=False)
    token = visit_token(order)

    time_machine.move_to(NOW + timedelta(days=14), tick=False)
    assert order_for_token(token) == order
    time_machine.move_to(NOW + timedelta(days=14, seconds=1), tick=False)
    with pytest.raises(VisitRefused) as refusal:
        order_for_token(token)
    assert refusal.value.reason == "expired"
    assert refusal.value.message == "This link has expired."


@pytest.mark.parametrize("tamper", [lambda t: t + "x", lambda t: "9" + t, lambda t: t.split(":", 1)[1], lambda t: ""])
def test_a_tampered_link_is_refused(order, tamper) -> None:
    with pytest.raises(VisitRefused) as refusal:
        order_for_token(tamper(visit_token(order)))
    assert refusal.value.reason == "bad"


def test_a_link_for_another_order_cannot_be_made_by_changing_the_number(order, alice, grace) -> None:
    other = closed_order(alice, grace, by=grace)
    token = visit_token(order)

    with pytest.raises(VisitRefused):
        order_for_token(token.replace(f"{order.pk}:", f"{other.pk}:", 1))


def test_the_rating_is_stored_against_the_orders_department_and_assignee(order, grace, station) -> None:
    visit = rate(order, overall=5, timeliness=5, courtesy=4)

    visit.refresh_from_db()
    assert (visit.order, visit.department, visit.assignee, visit.recorded_by) == (order, station, grace, None)
    assert (visit.channel, visit.overall, visit.timeliness, visit.courtesy, visit.economy) == ("web", 5, 5, 4, None)
    assert visit.comment == "Quick work"
    event = order.events.get(kind=EventKind.RETURN_VISIT)
    assert (event.new_value, event.is_public, event.actor) == ("5/5", True, None)


def test_staff_record_a_telephone_return_visit_and_the_link_is_then_refused(order, charlie) -> None:
    token = visit_token(order)

    visit = rate(order, by=charlie, channel=VisitChannel.PHONE, overall=3, **dict.fromkeys(CHARACTERISTICS, 3))

    assert (visit.channel, visit.recorded_by) == ("phone", charlie)
    assert all(getattr(visit, name) == 3 for name in CHARACTERISTICS)
    assert order.events.get(kind=EventKind.RETURN_VISIT).actor == charlie
    with pytest.raises(VisitRefused):
        order_for_token(token)


def test_a_second_rating_is_refused_and_the_first_is_kept(order, charlie) -> None:
    rate(order, overall=5)

    with pytest.raises(VisitRefused) as refusal:
        rate(order, by=charlie, channel=VisitChannel.PHONE, overall=1)

    assert refusal.value.reason == "used"
    assert ReturnVisit.objects.get().overall == 5
    assert order.events.filter(kind=EventKind.RETURN_VISIT).count() == 1


def test_an_open_order_cannot_be_rated(alice, grace) -> None:
    order = open_order(
        NewOrder(kind=SERVICE_APPLICATION, channel=Channel.WEB, description="x", reported_by=alice), by=alice
    )

    with pytest.raises(VisitRefused) as refusal:
        rate(order)

    assert refusal.value.reason == "not_closed"
    assert not ReturnVisit.objects.exists()


@pytest.mark.parametrize(("overall", "scores"), [(0, {}), (6, {}), (4, {"safety": 9}), (4, {"beauty": 5})])
def test_a_rating_outside_one_to_five_or_of_an_unknown_characteristic_is_refused(order, overall, scores) -> None:
    with pytest.raises(ValidationError):
        rate(order, overall=overall, **scores)
    assert not ReturnVisit.objects.exists()


def test_the_rating_link_goes_to_the_customers_login_as_an_absolute_url(order, alice, settings, time_machine) -> None:
    settings.SITE_URL = "https://95598.example.cn/"
    time_machine.move_to(NOW, tick=False)  # the token carries the time it was signed

    assert send_return_visit_link(order) == 1  # alice has only the inbox
    assert send_return_visit_link(order) == 0

    row = Notification.objects.get(template="return_visit_link")
    assert row.recipient == alice
    assert row.context["link"] == f"https://95598.example.cn/services/rate/{visit_token(order)}/"


def test_a_caller_with_no_login_gets_the_rating_link_by_sms(grace) -> None:
    order = closed_order(None, grace, by=grace, contact_name="Passer-by", contact_phone="13800000009")

    assert send_return_visit_link(order) == 1

    row = Notification.objects.get(template="return_visit_link")
    assert (row.recipient, row.channel, row.address) == (None, "sms", "13800000009")
    assert order_for_token(row.context["link"].rstrip("/").rsplit("/", 1)[1]) == order
