"""One tap, one order and one ticket, even when a kiosk's retries race the first request (PostgreSQL)."""

import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from outlets.models import ProofAttempt, Ticket
from services.models import IdempotencyKey, WorkOrder
from tests.conftest import ALICE_ID_NUMBER
from tests.outlets.conftest import WEDNESDAY_10AM

PARALLEL = 10
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and parallel transactions need PostgreSQL"
)


def kiosk_client(kiosk, token: str = "") -> Client:
    headers = {"Authorization": f"Kiosk {kiosk.key}"}
    if token:
        headers["X-Kiosk-Session"] = token
    return Client(headers=headers)


def in_parallel(request) -> list:
    """Run `request()` PARALLEL times at once; return the answers (a thread's exception fails the test)."""
    start = threading.Barrier(PARALLEL)
    answers, errors = [], []

    def run() -> None:
        try:
            start.wait(timeout=10)
            answers.append(request())
        except BaseException as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return answers


def prove(kiosk) -> str:
    proof = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    return (
        kiosk_client(kiosk)
        .post(reverse("api:kiosk-session-start"), proof, content_type="application/json")
        .json()["token"]
    )


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_filing_open_one_order_and_all_get_its_answer(kiosk, alice, settings):
    settings.KIOSK_RATE = "1000/min"
    token = prove(kiosk)
    body = {"account": "3300000001", "description": "家里停电", "fields": {"fault_type": "no_power_home"}}

    def tap():
        return kiosk_client(kiosk, token).post(
            reverse("api:kiosk-file", args=["fault_repair"]),
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="one-tap",
        )

    answers = in_parallel(tap)
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["order"]["number"] for answer in answers}) == 1
    assert WorkOrder.objects.count() == 1
    assert IdempotencyKey.objects.filter(owner=f"device:{kiosk.pk}").count() == 1


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_ticket_tap_issue_one_ticket(hall, kiosk, alice, payment, settings):
    settings.KIOSK_RATE = "1000/min"
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        token = prove(kiosk)

        def tap():
            return kiosk_client(kiosk, token).post(
                reverse("api:kiosk-tickets"),
                {"service": payment.code},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="one-ticket",
            )

        answers = in_parallel(tap)
    assert {answer.status_code for answer in answers} == {201}, answers[0].json()
    assert {answer.json()["ticket"]["code"] for answer in answers} == {"A001"}
    assert Ticket.objects.count() == 1


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_proofs_at_one_kiosk_are_checked_no_more_often_than_its_limit(kiosk, alice, settings):
    settings.KIOSK_PROOF_ACCOUNT_LIMIT = 3
    settings.KIOSK_RATE = "1000/min"
    wrong = {"account": "3300000001", "id_tail": "000000"}

    def guess():
        return kiosk_client(kiosk).post(reverse("api:kiosk-session-start"), wrong, content_type="application/json")

    answers = in_parallel(guess)
    assert sorted(answer.status_code for answer in answers) == [400] * 3 + [429] * (PARALLEL - 3)
    assert ProofAttempt.objects.count() == 3
