"""The outlets' API: finder and board (public), remote tickets (customers, idempotent), the counter's steps
(409 when refused), statistics; query counts that do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outlets import actions
from outlets.models import Ticket, TicketSource, TicketStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wednesday_morning")]


def _count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_finder_answers_anyone(client, hall, point):
    data = client.get(reverse("api:outlet-finder")).json()
    assert [row["code"] for row in data] == ["H01", "P01"]
    assert data[0]["is_open"] and data[0]["hours_today"] == ["08:30-17:00"]


def test_the_board_answers_anyone_and_costs_the_same_at_any_size(client, hall, payment, counter1, charlie):
    url = reverse("api:outlet-board", args=[hall.code])
    few = _count(client, url)
    actions.sign_in_counter(counter1, by=charlie)
    for _ in range(5):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    ticket = actions.call_next(counter1, by=charlie)
    assert _count(client, url) == few
    assert client.get(url).json()["calls"][0]["ticket"] == ticket.code


def test_a_retried_ticket_request_gives_one_ticket(client, alice, hall, payment):
    client.force_login(alice)
    url = reverse("api:outlet-take-ticket", args=[hall.code])
    body = {"service": "payment"}
    first = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"] == "A001"
    assert Ticket.objects.count() == 1


def test_too_many_tickets_is_429(client, alice, hall, payment, settings):
    settings.OUTLETS_TICKETS_PER_CUSTOMER = 1
    client.force_login(alice)
    url = reverse("api:outlet-take-ticket", args=[hall.code])
    assert client.post(url, {"service": "payment"}, content_type="application/json").status_code == 201
    refused = client.post(url, {"service": "payment"}, content_type="application/json")
    assert refused.status_code == 429 and "Retry-After" in refused


def test_my_tickets_cost_the_same_at_any_number(client, alice, hall, payment, settings):
    settings.OUTLETS_TICKETS_PER_CUSTOMER = 50
    client.force_login(alice)
    actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    few = _count(client, reverse("api:outlet-my-tickets"))
    for _ in range(10):
        actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    assert _count(client, reverse("api:outlet-my-tickets")) == few


def test_the_counter_steps_and_a_refused_one_is_409(client, charlie, hall, payment, counter1):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    client.force_login(charlie)
    assert client.post(reverse("api:outlet-counter-step", args=[counter1.pk, "sign-in"])).status_code == 200
    called = client.post(reverse("api:outlet-counter-step", args=[counter1.pk, "call-next"])).json()
    assert called["current"]["code"] == ticket.code
    finish = reverse("api:outlet-ticket-step", args=[ticket.pk, "finish"])
    assert client.post(finish, {}, content_type="application/json").status_code == 409
    client.post(reverse("api:outlet-ticket-step", args=[ticket.pk, "start"]), {}, content_type="application/json")
    assert client.post(finish, {"orders": []}, content_type="application/json").status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_the_counter_state_costs_the_same_whatever_the_queue(client, charlie, hall, payment, counter1):
    client.force_login(charlie)
    url = reverse("api:outlet-counter", args=[counter1.pk])
    few = _count(client, url)
    for _ in range(5):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    assert _count(client, url) == few


def test_customers_may_not_work_counters(client, alice, counter1):
    client.force_login(alice)
    assert client.post(reverse("api:outlet-counter-step", args=[counter1.pk, "sign-in"])).status_code == 403


def test_statistics_cost_the_same_at_any_size(client, mona, hall, payment, counter1, charlie):
    client.force_login(mona)
    few = _count(client, reverse("api:outlet-statistics"), by="hour")
    actions.sign_in_counter(counter1, by=charlie)
    for _ in range(5):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
        ticket = actions.call_next(counter1, by=charlie)
        actions.start_serving(ticket, by=charlie)
        actions.finish_serving(ticket, by=charlie)
    assert _count(client, reverse("api:outlet-statistics"), by="hour") == few
    data = client.get(reverse("api:outlet-statistics"), {"by": "service"}).json()
    assert data["overall"]["tickets"] == 5 and data["rows"][0]["label"].startswith("A")
