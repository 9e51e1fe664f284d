"""Billing's pages and API: who sees what, paying through the sandbox, PDFs, the arrears list, query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing.models import Bill, Payment, PaymentState
from billing.run import run_bills
from tests.billing.conftest import read
from tests.factories import ElectricityAccountFactory

D = Decimal


@pytest.fixture
def year(home):
    """A year of alice's bills (2025), issued, none paid."""
    for month in range(1, 13):
        read(home, date(2025, month, 1), "230.00")
        run_bills(date(2025, month, 1))
    return Bill.objects.filter(account=home)


@time_machine.travel("2026-01-10 10:00 +0800")
def test_the_customer_sees_a_year_of_bills_and_the_chart_in_a_fixed_number_of_queries(
    client, alice, home, year, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("billing:account", args=[home.number]))
    assert response.status_code == 200
    assert response.context["chart"]["labels"][0] == "2025-01"
    assert len(response.context["page"].object_list) == 12


@time_machine.travel("2026-01-10 10:00 +0800")
def test_a_bill_shows_its_breakdown(client, alice, year):
    client.force_login(alice)
    bill = year.get(period=date(2025, 12, 1))
    response = client.get(reverse("billing:bill", args=[bill.pk]))
    assert response.status_code == 200
    assert "123.74" in response.content.decode()


def test_another_customers_bills_are_404(client, bob, home, year):
    client.force_login(bob)
    assert client.get(reverse("billing:account", args=[home.number])).status_code == 404
    assert client.get(reverse("billing:bill", args=[year.first().pk])).status_code == 404
    assert client.get(reverse("billing:bill-pdf", args=[year.first().pk])).status_code == 404


def test_the_bill_is_a_pdf_and_the_invoice_only_once_paid(client, alice, year, charlie, home):
    client.force_login(alice)
    bill = year.get(period=date(2025, 1, 1))
    response = client.get(reverse("billing:bill-pdf", args=[bill.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("billing:invoice-pdf", args=[bill.pk])).status_code == 404
    Bill.objects.filter(pk=bill.pk).update(paid_on=date(2025, 2, 20))
    assert client.get(reverse("billing:invoice-pdf", args=[bill.pk])).content.startswith(b"%PDF")


@time_machine.travel("2025-02-10 10:00 +0800")
def test_the_customer_pays_through_the_sandbox_and_the_bill_is_paid(client, alice, home):
    read(home, date(2025, 1, 1), "230.00")
    run_bills(date(2025, 1, 1))
    client.force_login(alice)
    response = client.post(reverse("billing:pay", args=[home.number]), {"amount": "123.74"})
    payment = Payment.objects.get()
    assert response.url == reverse("billing:sandbox", args=[payment.reference])
    response = client.post(response.url, {"outcome": "pay"})
    assert response.url == reverse("billing:payment", args=[payment.reference])
    payment.refresh_from_db()
    assert payment.state == PaymentState.CONFIRMED
    assert Bill.objects.get().paid_on == date(2025, 2, 10)


def test_staff_cannot_pay_online_and_customers_cannot_take_counter_payments(client, alice, charlie, home):
    client.force_login(charlie)
    assert client.post(reverse("billing:pay", args=[home.number]), {"amount": "1"}).status_code == 403
    client.force_login(alice)
    assert client.post(reverse("billing:counter-payment", args=[home.number]), {"amount": "1"}).status_code == 403
    assert client.post(reverse("billing:disconnect", args=[home.number])).status_code == 403
    assert not Payment.objects.exists()


def test_only_the_payer_reaches_the_sandbox_checkout(client, alice, charlie, home):
    client.force_login(alice)
    client.post(reverse("billing:pay", args=[home.number]), {"amount": "10.00"})
    client.force_login(charlie)
    assert client.get(reverse("billing:sandbox", args=[Payment.objects.get().reference])).status_code == 404


def test_counter_staff_record_a_payment(client, charlie, home):
    client.force_login(charlie)
    response = client.post(reverse("billing:counter-payment", args=[home.number]), {"amount": "50.00"})
    assert response.status_code == 302
    assert Payment.objects.get().state == PaymentState.CONFIRMED


@time_machine.travel("2026-01-10 10:00 +0800")
def test_the_grid_manager_sees_arrears_on_their_grid_with_amounts_and_ages(
    client, grace, home, year, django_assert_max_num_queries
):
    ElectricityAccountFactory(arrears_since=date(2025, 3, 25))  # another 台区: not grace's
    from billing import ledger

    ledger.refresh_all_arrears(date(2026, 1, 10))
    client.force_login(grace)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("billing:arrears"))
    rows = list(response.context["page"].object_list)
    assert [row.number for row in rows] == [home.number]
    assert rows[0].overdue_amount == D("1361.14")  # 11 bills (Jan–Nov) of 123.74 are overdue
    assert rows[0].age_days == (date(2026, 1, 10) - date(2025, 2, 25)).days


def test_customers_may_not_see_the_arrears_list(client, alice):
    client.force_login(alice)
    assert client.get(reverse("billing:arrears")).status_code == 403


# --- API ---------------------------------------------------------------------------------------------------


def test_the_api_lists_an_accounts_bills_and_one_with_its_lines(
    client, alice, home, year, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:bill-list"), {"account": home.number})
    assert [bill["period"] for bill in response.json()][:2] == ["2025-12-01", "2025-11-01"]
    detail = client.get(reverse("api:bill-detail", args=[year.first().pk])).json()
    assert detail["lines"][0]["band_label"] == "All day"


def test_a_payment_start_with_the_same_idempotency_key_starts_one_payment(client, alice, home):
    client.force_login(alice)
    url, body = reverse("api:payment-start"), {"account": home.number, "amount": "10.00"}
    first = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert Payment.objects.count() == 1


def test_the_callback_endpoint_refuses_a_bad_signature_and_credits_a_good_one_once(client, alice, home):
    from billing import actions
    from billing.gateways import SIGNATURE_HEADER, SandboxGateway

    payment = actions.start_payment(home, by=alice, amount=D("10.00"), channel="web")
    body, signature = SandboxGateway().pay(payment, succeed=True)
    url = reverse("api:payment-callback")
    bad = client.post(url, body, content_type="application/json", headers={SIGNATURE_HEADER: "0" * 64})
    assert bad.status_code == 400
    for _ in range(3):
        good = client.post(url, body, content_type="application/json", headers={SIGNATURE_HEADER: signature})
        assert good.json()["state"] == "confirmed"
    assert payment.entries.count() == 1


def test_another_customer_cannot_start_a_payment_on_my_account(client, bob, home):
    client.force_login(bob)
    response = client.post(
        reverse("api:payment-start"), {"account": home.number, "amount": "1.00"}, content_type="application/json"
    )
    assert response.status_code == 404
