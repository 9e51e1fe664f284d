"""The outlets' pages: the public finder and outlet page, the hall screen, a customer's tickets, the counter
desk, statistics and planning, with who may see them and what each costs in queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outlets import actions
from outlets.models import GridLocation, Outlet, Ticket, TicketSource, TicketStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wednesday_morning")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _busy_day(hall, payment, counter1, charlie, n: int) -> None:
    actions.sign_in_counter(counter1, by=charlie)
    for _ in range(n):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
        ticket = actions.call_next(counter1, by=charlie)
        actions.start_serving(ticket, by=charlie)
        actions.finish_serving(ticket, by=charlie)
    for _ in range(n):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)


def test_the_finder_is_public_and_lists_the_nearest_first(client, hall, point, grid):
    GridLocation.objects.create(grid=grid, district="椒江区", town="海门街道", latitude="28.701", longitude="121.499")
    response = client.get(reverse("outlets:finder"), {"q": "海门"})
    assert [row.outlet.code for row in response.context["found"]] == ["P01", "H01"]
    assert response.context["found"][0].distance_km < 1


def test_a_customer_finds_from_their_own_grid(client, alice, hall, point, grid):
    GridLocation.objects.create(grid=grid, district="椒江区", latitude="28.656", longitude="121.421")
    client.force_login(alice)
    response = client.get(reverse("outlets:finder"))
    assert [row.outlet.code for row in response.context["found"]] == ["H01", "P01"]


def test_an_unknown_area_says_so_and_lists_by_code(client, hall, point):
    response = client.get(reverse("outlets:finder"), {"q": "火星"})
    assert response.context["unplaced"]
    assert [row.outlet.code for row in response.context["found"]] == ["H01", "P01"]


def test_the_finder_shows_open_now_and_the_queue(client, hall, payment, counter1, charlie):
    _busy_day(hall, payment, counter1, charlie, 3)
    row = client.get(reverse("outlets:finder")).context["found"][0]
    assert row.is_open and row.waiting == 3 and row.staffed == 1


def test_on_a_public_holiday_an_outlet_is_closed_unless_it_opens_on_holidays(client, hall, point):
    Outlet.objects.filter(pk=point.pk).update(opens_on_holidays=True)
    with time_machine.travel("2026-10-01 10:00:00+08:00", tick=False):  # National Day, a Thursday
        found = {row.outlet.code: row.is_open for row in client.get(reverse("outlets:finder")).context["found"]}
    assert found == {"H01": False, "P01": True}


def test_a_weekend_made_a_working_day_keeps_mondays_hours(client, hall):
    hall.hours.filter(weekday=5).delete()  # closed on Saturdays
    with time_machine.travel("2026-10-10 10:00:00+08:00", tick=False):  # Saturday, worked (调休)
        assert client.get(reverse("outlets:finder")).context["found"][0].is_open


def test_the_finder_costs_the_same_whatever_the_tickets(client, hall, point, payment, counter1, charlie):
    few = _queries(client, reverse("outlets:finder"))
    _busy_day(hall, payment, counter1, charlie, 10)
    assert _queries(client, reverse("outlets:finder")) == few


def test_the_outlet_page_costs_the_same_whatever_the_tickets(client, hall, payment, counter1, charlie):
    url = reverse("outlets:outlet", args=[hall.code])
    few = _queries(client, url)
    _busy_day(hall, payment, counter1, charlie, 10)
    assert _queries(client, url) == few


def test_the_board_shows_the_calls_and_costs_a_fixed_few_queries(client, hall, payment, counter1, charlie):
    url = reverse("outlets:board-live", args=[hall.code])
    _busy_day(hall, payment, counter1, charlie, 1)
    few = _queries(client, url)
    _busy_day(hall, payment, counter1, charlie, 10)
    ticket = actions.call_next(counter1, by=charlie)
    response = client.get(url)
    assert ticket.code in response.content.decode()
    assert response.context["board"].calls[0] == ticket
    assert _queries(client, url) == few <= 6


def test_the_board_page_is_public(client, hall):
    assert client.get(reverse("outlets:board", args=[hall.code])).status_code == 200


def test_a_customer_takes_a_remote_ticket_and_cancels_it(client, alice, hall, payment):
    client.force_login(alice)
    response = client.post(reverse("outlets:take-ticket", args=[hall.code]), {"service": payment.pk})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.issued_by) == (TicketStatus.PENDING, alice)
    client.post(reverse("outlets:cancel-ticket", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED


def test_nobody_cancels_another_customers_ticket(client, alice, bob, hall, payment):
    ticket = actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    client.force_login(bob)
    assert client.post(reverse("outlets:cancel-ticket", args=[ticket.pk])).status_code == 404


def test_staff_take_no_remote_tickets(client, charlie, hall, payment):
    client.force_login(charlie)
    assert client.post(reverse("outlets:take-ticket", args=[hall.code]), {"service": payment.pk}).status_code == 403


def test_my_tickets_cost_the_same_whatever_their_number(client, alice, hall, payment, settings):
    settings.OUTLETS_TICKETS_PER_CUSTOMER = 50
    client.force_login(alice)
    actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    few = _queries(client, reverse("outlets:my-tickets"))
    for _ in range(10):
        actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    assert _queries(client, reverse("outlets:my-tickets")) == few


def test_a_clerk_signs_in_calls_serves_and_finishes_on_the_desk(client, charlie, hall, payment, counter1):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    client.force_login(charlie)
    assert client.get(reverse("outlets:counter")).context["page"].object_list[0] == counter1
    client.post(reverse("outlets:counter-act", args=[counter1.pk, "sign-in"]))
    client.post(reverse("outlets:counter-act", args=[counter1.pk, "call-next"]))
    assert client.get(reverse("outlets:counter")).context["current"] == ticket
    client.post(reverse("outlets:ticket-act", args=[ticket.pk, "start"]))
    client.post(reverse("outlets:ticket-act", args=[ticket.pk, "finish"]), {"orders": ""})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_the_desk_says_why_a_move_is_refused(client, charlie, hall, payment, counter1):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    client.force_login(charlie)
    client.post(reverse("outlets:counter-act", args=[counter1.pk, "sign-in"]))
    client.post(reverse("outlets:counter-act", args=[counter1.pk, "call-next"]))
    response = client.post(reverse("outlets:ticket-act", args=[ticket.pk, "finish"]), follow=True)
    assert "cannot become" in response.content.decode()


def test_the_desk_costs_the_same_whatever_the_queue(client, charlie, hall, payment, counter1):
    client.force_login(charlie)
    actions.sign_in_counter(counter1, by=charlie)
    actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    actions.call_next(counter1, by=charlie)
    few = _queries(client, reverse("outlets:counter"))
    for _ in range(10):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    assert _queries(client, reverse("outlets:counter")) == few


def test_counters_of_other_departments_are_not_found(client, charlie, hall, counter1, company):
    from tests.factories import DepartmentFactory, StaffFactory

    elsewhere = DepartmentFactory(code="C0001-09", parent=company)
    stranger = StaffFactory(username="sam", role="counter_staff", department=elsewhere)
    client.force_login(stranger)
    assert client.post(reverse("outlets:counter-act", args=[counter1.pk, "sign-in"])).status_code == 404


@pytest.mark.parametrize("name", ["outlets:counter", "outlets:statistics"])
def test_customers_may_not_open_staff_pages(client, alice, name):
    client.force_login(alice)
    assert client.get(reverse(name)).status_code == 403


def test_only_managers_plan(client, charlie, mona):
    client.force_login(charlie)
    assert client.get(reverse("outlets:planning")).status_code == 403
    client.force_login(mona)
    assert client.get(reverse("outlets:planning")).status_code == 200


def test_statistics_cost_the_same_whatever_the_tickets(client, mona, hall, payment, counter1, charlie):
    client.force_login(mona)
    _busy_day(hall, payment, counter1, charlie, 1)
    few = _queries(client, reverse("outlets:statistics"))
    _busy_day(hall, payment, counter1, charlie, 10)
    assert _queries(client, reverse("outlets:statistics")) == few


def test_statistics_count_waits_over_fifteen_minutes(client, mona, hall, payment, counter1, charlie):
    actions.sign_in_counter(counter1, by=charlie)
    for wait in (5, 20):
        ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
        with time_machine.travel(timezone.now() + timedelta(minutes=wait), tick=False):
            actions.call_next(counter1, by=charlie)
            actions.start_serving(ticket, by=charlie)
            actions.finish_serving(ticket, by=charlie)
    client.force_login(mona)
    overall = client.get(reverse("outlets:statistics")).context["overall"]
    assert overall["tickets"] == 2 and overall["long_wait_share"] == 50.0


def test_planning_costs_the_same_whatever_the_areas(client, mona, hall, grid, station):
    from tests.factories import ServiceGridFactory

    GridLocation.objects.create(grid=grid, district="椒江区", latitude="28.656", longitude="121.421")
    client.force_login(mona)
    few = _queries(client, reverse("outlets:planning"))
    for n in range(5):
        far = ServiceGridFactory(code=f"TQ9{n}", department=station)
        GridLocation.objects.create(grid=far, district="仙居县", latitude="28.85", longitude=f"120.7{n}")
    response = client.get(reverse("outlets:planning"))
    assert _queries(client, reverse("outlets:planning")) == few
    assert response.context["proposals"][0].district == "仙居县"


def test_a_double_click_takes_one_ticket(client, alice, hall, payment):
    client.force_login(alice)
    token = client.get(reverse("outlets:outlet", args=[hall.code])).context["submission"]
    url = reverse("outlets:take-ticket", args=[hall.code])
    for _ in range(2):
        assert client.post(url, {"service": payment.pk, "submission": token}).status_code == 302
    assert Ticket.objects.count() == 1


def test_the_counter_list_costs_the_same_whatever_the_counters(client, mona, hall, payment, counter1):
    from outlets.models import Counter

    client.force_login(mona)
    few = _queries(client, reverse("outlets:counter"))
    for number in range(3, 13):
        Counter.objects.create(outlet=hall, number=number).services.set([payment])
    assert _queries(client, reverse("outlets:counter")) == few


def test_the_clerk_checks_in_a_remote_ticket_and_an_appointment(client, charlie, alice, hall, payment, counter1):
    from outlets.models import AppointmentSlot

    remote = actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    starts = timezone.now() + timedelta(minutes=10)
    slot = AppointmentSlot.objects.create(
        outlet=hall, service=payment, starts_at=starts, ends_at=starts + timedelta(minutes=30)
    )
    booking = actions.book_appointment(slot, by=alice)
    client.force_login(charlie)
    actions.sign_in_counter(counter1, by=charlie)
    url = reverse("outlets:counter-act", args=[counter1.pk, "check-in"])
    client.post(url, {"code": remote.code.lower()})
    client.post(url, {"code": booking.reference})
    remote.refresh_from_db()
    assert remote.status == TicketStatus.WAITING
    assert Ticket.objects.get(source=TicketSource.APPOINTMENT).status == TicketStatus.WAITING
    response = client.post(url, {"code": "Z999"}, follow=True)
    assert "No remote ticket or appointment Z999" in response.content.decode()
