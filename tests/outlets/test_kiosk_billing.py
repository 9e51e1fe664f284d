"""Bills and payment at a kiosk: the session's customer reads an account's bills and starts one payment per key;
the gateway's callback then credits it as on the web."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import callbacks
from billing.gateways import SandboxGateway
from billing.models import EntryKind, Payment, PaymentState
from billing.run import run_bills
from tests.billing.conftest import read
from tests.outlets.test_kiosk_api import as_kiosk, prove

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(alice):
    account = alice.linked_accounts.get()
    read(account, date(2026, 1, 1), "230.00")
    run_bills(date(2026, 1, 1))
    return account


def test_the_customer_reads_their_bills_and_not_anothers(kiosk, alice, bob, billed, django_assert_max_num_queries):
    client = as_kiosk(kiosk, prove(kiosk))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:kiosk-bills", args=[billed.number]))
    assert response.json()["bills"][0]["amount"] == "123.74"
    assert client.get(reverse("api:kiosk-bills", args=["3300000002"])).status_code == 404


def test_a_payment_start_retried_with_its_key_starts_one_payment_and_the_callback_credits_it(kiosk, alice, billed):
    client = as_kiosk(kiosk, prove(kiosk))
    url = reverse("api:kiosk-payment-start", args=[billed.number])
    answers = [
        client.post(url, {"amount": "123.74"}, content_type="application/json", headers={"Idempotency-Key": "pay-1"})
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    payment = Payment.objects.get()
    assert (payment.channel, payment.state) == ("kiosk", PaymentState.STARTED)
    body, signature = SandboxGateway().pay(payment, succeed=True)
    callbacks.receive(SandboxGateway(), body, signature)
    assert payment.entries.get().kind == EntryKind.PAYMENT
    assert payment.entries.get().amount == Decimal("123.74")


def test_a_payment_start_without_a_key_is_refused(kiosk, alice, billed):
    client = as_kiosk(kiosk, prove(kiosk))
    response = client.post(
        reverse("api:kiosk-payment-start", args=[billed.number]), {"amount": "1.00"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()
