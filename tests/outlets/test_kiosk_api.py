"""The kiosk API: the device's key, the customer's proof and session, what a customer reads and does, receipts."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outlets.kiosk import actions
from outlets.models import KioskRequest, KioskSession, Ticket
from services.models import Channel, WorkOrder
from services.notices.models import NoticeGrid, NoticeKind, NoticeStatus, OutageNotice
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import ServiceGridFactory, WorkOrderFactory
from tests.outlets.conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


def as_kiosk(kiosk, session: str = "") -> Client:
    headers = {"Authorization": f"Kiosk {kiosk.key}"}
    if session:
        headers["X-Kiosk-Session"] = session
    return Client(headers=headers)


def prove(kiosk, *, account: str = "3300000001", tail: str = ALICE_ID_NUMBER[-6:]) -> str:
    response = as_kiosk(kiosk).post(
        reverse("api:kiosk-session-start"), {"account": account, "id_tail": tail}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture
def kiosk(hall, kiosk):
    """The kiosk stands in the hall of the outlets' cast (the root fixture takes the station's outlet)."""
    assert kiosk.outlet == hall
    return kiosk


# --- The device ---------------------------------------------------------------------------------------------


def test_unknown_wrong_or_missing_keys_get_401_and_no_data(kiosk, alice):
    url = reverse("api:kiosk-accounts")
    for header in ["", "Kiosk nosuch.secret", f"Kiosk {kiosk.key_id}.wrong", "Kiosk", "Bearer x"]:
        response = Client(headers={"Authorization": header} if header else {}).get(url)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Kiosk")
        assert "3300000001" not in response.content.decode()


def test_a_revoked_kiosk_gets_401_even_with_a_live_session(kiosk, alice):
    token = prove(kiosk)
    actions.revoke_kiosk(kiosk, by=None)
    response = as_kiosk(kiosk, token).get(reverse("api:kiosk-accounts"))
    assert response.status_code == 401
    assert not KioskSession.objects.filter(ended_at__isnull=True).exists()


def test_a_rotated_secret_replaces_the_old_one_at_once(kiosk, alice):
    old_key = kiosk.key
    credential = actions.rotate_secret(kiosk, by=None)
    heartbeat = {"printer": "ok", "paper": "low", "card_reader": "ok"}
    url = reverse("api:kiosk-heartbeat")
    old = Client(headers={"Authorization": f"Kiosk {old_key}"}).post(url, heartbeat, content_type="application/json")
    new = Client(headers={"Authorization": f"Kiosk {credential.key}"}).post(
        url, heartbeat, content_type="application/json"
    )
    assert (old.status_code, new.status_code) == (401, 204)
    kiosk.refresh_from_db()
    assert kiosk.paper == "low" and kiosk.state() == "attention"
    assert credential.key.split(".")[1] not in kiosk.secret_digest


# --- The customer's proof and session -----------------------------------------------------------------------


def test_account_and_last_six_open_a_session_scoped_to_that_customer(kiosk, alice, bob):
    token = prove(kiosk)
    response = as_kiosk(kiosk, token).get(reverse("api:kiosk-accounts"))
    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == ["3300000001"]
    other = as_kiosk(kiosk, token).get(reverse("api:kiosk-usage", args=["3300000002"]))
    assert other.status_code == 404


def test_the_card_readers_whole_number_opens_a_session(kiosk, alice):
    response = as_kiosk(kiosk).post(
        reverse("api:kiosk-session-start"), {"id_number": ALICE_ID_NUMBER}, content_type="application/json"
    )
    assert response.status_code == 201
    assert KioskSession.objects.get().method == "id_card"


def test_a_wrong_proof_opens_nothing_and_says_the_same_as_an_unknown_account(kiosk, alice):
    url = reverse("api:kiosk-session-start")
    wrong = as_kiosk(kiosk).post(url, {"account": "3300000001", "id_tail": "000000"}, content_type="application/json")
    unknown = as_kiosk(kiosk).post(url, {"account": "3399999999", "id_tail": "000000"}, content_type="application/json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert not KioskSession.objects.exists()


def test_wrong_proofs_are_throttled_per_account_even_the_right_one_after(kiosk, alice, settings):
    settings.KIOSK_PROOF_ACCOUNT_LIMIT = 3
    url = reverse("api:kiosk-session-start")
    for _ in range(3):
        as_kiosk(kiosk).post(url, {"account": "3300000001", "id_tail": "000000"}, content_type="application/json")
    right = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    response = as_kiosk(kiosk).post(url, right, content_type="application/json")
    assert response.status_code == 429
    with _later(minutes=31):
        assert as_kiosk(kiosk).post(url, right, content_type="application/json").status_code == 201


def _later(*, minutes: int):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_wrong_proofs_are_throttled_per_kiosk_across_accounts(kiosk, alice, settings):
    settings.KIOSK_PROOF_KIOSK_LIMIT = 4
    url = reverse("api:kiosk-session-start")
    for number in range(4):
        as_kiosk(kiosk).post(
            url, {"account": f"330000009{number}", "id_tail": "000000"}, content_type="application/json"
        )
    right = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    assert as_kiosk(kiosk).post(url, right, content_type="application/json").status_code == 429


def test_a_session_expires_after_its_minutes_and_ends_at_logout(kiosk, alice):
    token = prove(kiosk)
    url = reverse("api:kiosk-accounts")
    with _later(minutes=4):
        assert as_kiosk(kiosk, token).get(url).status_code == 200
    with _later(minutes=6):
        assert as_kiosk(kiosk, token).get(url).status_code == 403
    token = prove(kiosk)
    assert as_kiosk(kiosk, token).delete(reverse("api:kiosk-session-end")).status_code == 204
    assert as_kiosk(kiosk, token).get(url).status_code == 403


def test_another_kiosks_session_token_is_refused(kiosk, alice):
    token = prove(kiosk)
    other = actions.register_kiosk(outlet=kiosk.outlet, name="2号机", by=None)
    other.kiosk.key = other.key
    assert as_kiosk(other.kiosk, token).get(reverse("api:kiosk-accounts")).status_code == 403


def published_notice(grid, *, days: int) -> OutageNotice:
    """A published planned outage on `grid`, starting `days` from now (0: it has started, an hour ago)."""
    starts = timezone.now() + (timedelta(days=days) if days else -timedelta(hours=1))
    notice = OutageNotice.objects.create(
        kind=NoticeKind.PLANNED, status=NoticeStatus.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=4),
        reason="线路检修", area="海门街道东山路一带", published_at=timezone.now(),
    )  # fmt: skip
    NoticeGrid.objects.create(notice=notice, grid=grid)
    return notice


# --- What the customer reads --------------------------------------------------------------------------------


def test_usage_outages_and_orders_are_the_customers(kiosk, alice, grid, django_assert_max_num_queries):
    token = prove(kiosk)
    elsewhere = ServiceGridFactory(department=grid.department)
    coming, live = published_notice(grid, days=3), published_notice(grid, days=0)
    published_notice(elsewhere, days=0)  # not on the customer's 台区
    client = as_kiosk(kiosk, token)
    outages = client.get(reverse("api:kiosk-outages")).json()["results"]
    # Live first, then the coming one; not the other 台区's.
    assert [row["is_live"] for row in outages] == [True, False]
    assert [row["reason"] for row in outages] == [live.reason, coming.reason]
    assert [row["ends_at"][:16] for row in outages] == [
        f"{timezone.localtime(notice.ends_at):%Y-%m-%dT%H:%M}" for notice in (live, coming)
    ]
    assert {row["area"] for row in outages} == {"海门街道东山路一带"}
    usage = client.get(reverse("api:kiosk-usage", args=["3300000001"])).json()
    assert usage["account"]["number"] == "3300000001" and "months" in usage


def test_a_list_longer_than_a_page_is_counted_and_paged(kiosk, alice):
    """A customer's list is read with one row more than a page and counted only when that row is there."""
    account = alice.linked_accounts.get()
    start = timezone.now() - timedelta(days=30)
    orders = [
        WorkOrderFactory(customer=account.customer, account=account, opened_at=start + timedelta(days=day))
        for day in range(12)
    ]
    client = as_kiosk(kiosk, prove(kiosk))
    first, count = _queries(lambda: client.get(reverse("api:kiosk-orders")))
    body = first.json()
    assert count == 4  # the session, the page with one row more, the count (the row was there), the log
    assert (body["count"], body["previous"], len(body["results"])) == (12, None, 10)
    assert [row["number"] for row in body["results"]] == [order.number for order in orders[::-1][:10]]
    second = client.get(body["next"]).json()
    assert (second["count"], second["next"], [row["number"] for row in second["results"]]) == (
        12, None, [order.number for order in orders[1::-1]]
    )  # fmt: skip
    assert second["previous"]
    WorkOrder.objects.filter(pk__in=[order.pk for order in orders[:2]]).delete()
    exactly_a_page = client.get(reverse("api:kiosk-orders")).json()
    assert (exactly_a_page["count"], exactly_a_page["next"], len(exactly_a_page["results"])) == (10, None, 10)


def test_the_filing_kinds_list_each_kind_registered_for_kiosks(kiosk, alice):
    kinds = as_kiosk(kiosk, prove(kiosk)).get(reverse("api:kiosk-filing-kinds")).json()
    codes = {kind["code"]: kind for kind in kinds}
    assert {"fault_repair", "service_application"} <= set(codes)
    assert codes["fault_repair"]["fields"][0]["name"] == "fault_type"


# --- What the customer does, once per tap -------------------------------------------------------------------


def file_fault(kiosk, token: str, key: str = "tap-1"):
    body = {"account": "3300000001", "description": "家里停电", "fields": {"fault_type": "no_power_home"}}
    return as_kiosk(kiosk, token).post(
        reverse("api:kiosk-file", args=["fault_repair"]),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_filing_a_fault_opens_one_kiosk_order_and_a_retry_returns_it(kiosk, alice):
    token = prove(kiosk)
    first, again = file_fault(kiosk, token), file_fault(kiosk, token)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    order = WorkOrder.objects.get()
    assert order.channel == Channel.KIOSK and order.account.number == "3300000001"
    assert order.created_by == kiosk.actor
    receipt = first.json()["receipt"]
    assert receipt["qr"].endswith(reverse("services:order", args=[order.number]))
    assert {"label": "Request number", "value": order.number} in receipt["lines"]


def test_a_post_without_an_idempotency_key_is_refused(kiosk, alice):
    token = prove(kiosk)
    response = as_kiosk(kiosk, token).post(
        reverse("api:kiosk-file", args=["fault_repair"]), {}, content_type="application/json"
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not WorkOrder.objects.exists()


def test_the_printable_receipt_has_a_qr_code_and_no_identity_number(kiosk, alice):
    receipt = file_fault(kiosk, prove(kiosk)).json()["receipt"]
    page = Client().get(receipt["print_url"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and WorkOrder.objects.get().number in html
    assert ALICE_ID_NUMBER not in html and ALICE_ID_NUMBER[-6:] not in html
    assert Client().get(reverse("kiosk:receipt", args=["forged"])).status_code == 404


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_a_ticket_is_issued_once_per_tap_with_its_receipt(kiosk, alice, payment):
    token = prove(kiosk)
    url = reverse("api:kiosk-tickets")

    def tap():
        return as_kiosk(kiosk, token).post(
            url, {"service": "payment"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ticket-1"
        )

    first, again = tap(), tap()
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    ticket = Ticket.objects.get()
    assert ticket.source == "kiosk" and ticket.customer == alice.linked_accounts.get().customer
    assert first.json()["ticket"]["code"] == ticket.code == "A001"


# --- The log ------------------------------------------------------------------------------------------------


def test_every_request_is_logged_without_identity_numbers(kiosk, alice, caplog):
    caplog.set_level("INFO")
    token = prove(kiosk)
    as_kiosk(kiosk).post(
        reverse("api:kiosk-session-start"), {"id_number": ALICE_ID_NUMBER}, content_type="application/json"
    )
    file_fault(kiosk, token)
    Client(headers={"Authorization": "Kiosk bad.key"}).get(reverse("api:kiosk-accounts"))
    rows = list(KioskRequest.objects.order_by("pk").values_list("endpoint", "status_code", "outlet_id"))
    assert rows == [
        ("kiosk-session-start", 201, kiosk.outlet_id),
        ("kiosk-session-start", 201, kiosk.outlet_id),
        ("kiosk-file", 201, kiosk.outlet_id),
        ("kiosk-accounts", 401, None),
    ]
    stored = " ".join(str(row) for row in KioskRequest.objects.values()) + caplog.text
    assert ALICE_ID_NUMBER not in stored and ALICE_ID_NUMBER[-6:] not in stored


def test_a_key_reused_for_another_request_is_refused_and_changes_nothing(kiosk, alice):
    token = prove(kiosk)
    assert file_fault(kiosk, token, key="tap-9").status_code == 201
    body = {"account": "3300000001", "description": "电压不稳", "fields": {"fault_type": "voltage"}}
    again = as_kiosk(kiosk, token).post(
        reverse("api:kiosk-file", args=["fault_repair"]),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tap-9",
    )
    assert again.status_code == 422
    assert WorkOrder.objects.count() == 1


@time_machine.travel(WEDNESDAY_10AM, tick=False)  # fixed windows: the test must not straddle a minute's edge
def test_a_kiosk_over_its_rate_gets_429_and_another_kiosk_does_not(kiosk, settings):
    settings.KIOSK_RATE = "3/min"
    heartbeat = {"printer": "ok", "paper": "ok", "card_reader": "ok"}
    url = reverse("api:kiosk-heartbeat")
    answers = [as_kiosk(kiosk).post(url, heartbeat, content_type="application/json").status_code for _ in range(4)]
    assert answers == [204, 204, 204, 429]
    refused = as_kiosk(kiosk).post(url, heartbeat, content_type="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 60  # when the minute's window ends
    other = actions.register_kiosk(outlet=kiosk.outlet, name="2号机", by=None)
    other.kiosk.key = other.key
    assert as_kiosk(other.kiosk).post(url, heartbeat, content_type="application/json").status_code == 204
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
        assert as_kiosk(kiosk).post(url, heartbeat, content_type="application/json").status_code == 204


# --- What each request costs (bench/kiosk_load.py; issue 10's throughput target) -----------------------------


def _queries(send) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return response, len(captured)


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_each_kiosk_request_costs_a_fixed_number_of_queries(kiosk, alice, payment, grid):
    """Counted inside the test's transaction, where the log row is a plain INSERT and each transaction of a request
    a savepoint: SAVEPOINT and RELEASE are counted here as production's BEGIN and COMMIT are not."""
    url = reverse("api:kiosk-session-start")
    body = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    # The kiosk, its lock (in a savepoint), the failed proofs (one query for both limits), the account, the
    # attempt, the session, the customer's accounts, the log.
    proof, count = _queries(lambda: as_kiosk(kiosk).post(url, body, content_type="application/json"))
    assert proof.status_code == 201 and count == 10
    client = as_kiosk(kiosk, proof.json()["token"])
    reads = {
        # The session with its kiosk (one query written once), the page read with one row more than a page (no
        # COUNT: the row is not there), the log.
        "api:kiosk-accounts": 3,
        "api:kiosk-orders": 3,
        "api:kiosk-outages": 4,  # and the customer's 台区
    }
    for name, expected in reads.items():
        response, count = _queries(lambda name=name: client.get(reverse(name)))
        assert (response.status_code, count) == (200, expected), name
    usage, count = _queries(lambda: client.get(reverse("api:kiosk-usage", args=["3300000001"])))
    assert usage.status_code == 200 and count == 4  # the session, the account, its readings, the log

    def ticket(key: str):
        return client.post(
            reverse("api:kiosk-tickets"),
            {"service": "payment"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    ticket("ticket-1")  # the day's first ticket creates the day's number row
    # The session with its outlet, actor and customer; the key (one INSERT … ON CONFLICT); the service; whether
    # the outlet offers it and is open (the calendar, the outlet's exceptions and hours); the allowance, the
    # number (one UPDATE … RETURNING) and the ticket in the action's savepoint; how many wait before it; the
    # key's answer; the log.
    issued, count = _queries(lambda: ticket("ticket-2"))
    assert issued.status_code == 201 and count == 17
    filed, count = _queries(lambda: file_fault(kiosk, proof.json()["token"]))
    # Most of it is the fault report's own (services.repair.actions.report_fault: the order, its clock, triage,
    # routing, the customer's notice); the notice's outbox row is one statement on PostgreSQL, three on SQLite.
    # The account comes with its 台区's department and its holder's login, which routing and the notice read; the
    # order's lock keeps them; the new order's clock is not looked for; the triage writes the report once.
    assert filed.status_code == 201 and count == (32 if connection.vendor == "postgresql" else 34)
    logout, count = _queries(lambda: client.delete(reverse("api:kiosk-session-end")))
    assert logout.status_code == 204 and count == 3  # the session, its end, the log


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_log_row_is_one_statement_with_every_field(kiosk, alice):
    """In production a request's log row is written in autocommit: one INSERT (on PostgreSQL with its commit
    relaxed, outlets.kiosk.api._insert_relaxed), not a transaction of its own."""
    token = prove(kiosk)
    client = as_kiosk(kiosk, token)
    response, count = _queries(lambda: client.get(reverse("api:kiosk-accounts")))
    assert response.status_code == 200 and count == 3  # the session with its kiosk, the page, the log
    row = KioskRequest.objects.order_by("pk").last()
    customer_id = alice.linked_accounts.get().customer_id
    assert (row.kiosk_id, row.outlet_id, row.method, row.endpoint, row.status_code, row.customer_id) == (
        kiosk.pk, kiosk.outlet_id, "GET", "kiosk-accounts", 200, customer_id
    )  # fmt: skip
    assert row.duration_ms >= 0 and abs(row.at - timezone.now()) < timedelta(minutes=1)
