"""Payments, callbacks, reconciliation, the ledger, arrears, notices, disconnection and reconnection."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AccountStatus, Suspension
from billing import actions, callbacks, ledger, reconciliation, tasks
from billing.gateways import BadSignature, SandboxGateway, sign
from billing.models import ArrearsRule, Bill, DisconnectionNotice, EntryKind, LedgerEntry, PaymentState
from billing.run import run_bills
from services.applications.models import ServiceApplicationType
from services.models import Notification, WorkOrder
from tests.billing.conftest import read

D = Decimal
JANUARY = date(2026, 1, 1)  # due 2026-02-25


@pytest.fixture
def billed(home):
    """alice's January bill of ¥123.74 (230 kWh), issued in February."""
    read(home, JANUARY, "230.00")
    with time_machine.travel("2026-02-03 09:00 +0800"):
        run_bills(JANUARY)
    return Bill.objects.get(account=home)


def pay_online(account, by, amount: str, *, succeed: bool = True):
    payment = actions.start_payment(account, by=by, amount=D(amount), channel="web")
    body, signature = SandboxGateway().pay(payment, succeed=succeed)
    return payment, body, signature


def test_a_confirmed_payment_credits_the_ledger_and_settles_the_bill(billed, home, alice):
    with time_machine.travel("2026-02-10 10:00 +0800"):
        payment, body, signature = pay_online(home, alice, "123.74")
        assert payment.state == PaymentState.STARTED
        callbacks.receive(SandboxGateway(), body, signature)
    payment.refresh_from_db()
    billed.refresh_from_db()
    assert payment.state == PaymentState.CONFIRMED
    assert (billed.paid_on, billed.late_fee) == (date(2026, 2, 10), D("0"))
    assert ledger.balance(home) == D("0")
    assert Notification.objects.filter(recipient=alice, template="payment_confirmed").count() == 1


def test_a_callback_delivered_three_times_credits_once(billed, home, alice):
    payment, body, signature = pay_online(home, alice, "123.74")
    for _ in range(3):
        callbacks.receive(SandboxGateway(), body, signature)
    assert LedgerEntry.objects.filter(payment=payment, kind=EntryKind.PAYMENT).count() == 1
    assert payment.events.count() == 2  # started, confirmed


def test_a_callback_with_a_bad_signature_changes_nothing(billed, home, alice):
    payment, body, _signature = pay_online(home, alice, "123.74")
    with pytest.raises(BadSignature):
        callbacks.receive(SandboxGateway(), body, sign(body, "someone else's key"))
    payment.refresh_from_db()
    assert payment.state == PaymentState.STARTED
    assert not LedgerEntry.objects.filter(payment=payment).exists()


def test_a_callback_for_another_amount_is_refused(billed, home, alice, settings):
    payment, _body, _signature = pay_online(home, alice, "123.74")
    body = json.dumps({"reference": payment.reference, "amount": "1.00", "status": "paid"}).encode()
    with pytest.raises(ValidationError):
        callbacks.receive(SandboxGateway(), body, sign(body, settings.BILLING_SANDBOX_SECRET))
    assert not LedgerEntry.objects.filter(payment=payment).exists()


def test_a_failed_payment_credits_nothing_and_cannot_be_confirmed_after(billed, home, alice):
    payment, body, signature = pay_online(home, alice, "123.74", succeed=False)
    callbacks.receive(SandboxGateway(), body, signature)
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    with pytest.raises(actions.BillingRefused):
        actions.confirm_payment(payment, gateway_reference="late", amount=payment.amount)
    assert Bill.objects.get(pk=billed.pk).paid_on is None


@time_machine.travel("2026-02-10 10:00 +0800")
def test_a_refund_is_a_new_debit_and_the_bill_stays_paid(billed, home, alice, mona):
    payment = actions.record_counter_payment(home, by=mona, amount=D("200.00"))
    actions.refund_payment(payment, by=mona, note="paid twice")
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert list(LedgerEntry.objects.filter(account=home).values_list("kind", "amount")) == [
        (EntryKind.BILL, D("-123.74")), (EntryKind.PAYMENT, D("200.00")), (EntryKind.REFUND, D("-200.00"))
    ]  # fmt: skip
    with pytest.raises(actions.BillingRefused):
        actions.refund_payment(payment, by=mona, note="again")


def test_an_amount_that_is_not_positive_or_finer_than_a_fen_is_refused(home, alice):
    for amount in ("0", "-5", "1.001"):
        with pytest.raises(ValidationError):
            actions.start_payment(home, by=alice, amount=D(amount), channel="web")


def test_a_payment_after_the_due_date_is_charged_the_residential_late_fee(billed, home, charlie):
    with time_machine.travel("2026-03-07 10:00 +0800"):  # 10 days after 2026-02-25
        assert ledger.amount_to_pay(home, date(2026, 3, 7)) == D("124.98")  # 123.74 × 1‰ × 10 = 1.2374 → 1.24
        actions.record_counter_payment(home, by=charlie, amount=D("124.98"))
    billed.refresh_from_db()
    assert (billed.paid_on, billed.late_fee) == (date(2026, 3, 7), D("1.24"))
    assert ledger.balance(home) == D("0")


def test_the_late_fee_follows_each_rule_row_for_the_days_it_was_in_force(billed, home):
    ArrearsRule.objects.filter(customer_class="lv_residential").update(effective_to=date(2026, 3, 1))
    ArrearsRule.objects.create(
        customer_class="lv_residential", late_fee_per_day=D("0.002"), notice_days=7, disconnect_after_days=30,
        low_balance=D("50"), effective_from=date(2026, 3, 2),
    )  # fmt: skip
    rules = ledger.class_rules(home)
    # 4 days (Feb 26 – Mar 1) at 1‰ and 5 days (Mar 2 – 6) at 2‰: 123.74 × 0.014 = 1.73236 → 1.73
    assert ledger.late_fee(billed, rules, date(2026, 3, 6)) == D("1.73")


def test_a_partial_payment_leaves_the_bill_unpaid_and_the_money_on_the_account(billed, home, charlie):
    actions.record_counter_payment(home, by=charlie, amount=D("100.00"))
    billed.refresh_from_db()
    assert billed.paid_on is None
    assert ledger.balance(home) == D("-23.74")


def test_arrears_since_is_the_due_date_of_the_oldest_overdue_bill(billed, home):
    assert tasks.ledger.refresh_all_arrears(date(2026, 2, 25)) == 0
    tasks.ledger.refresh_all_arrears(date(2026, 2, 26))
    home.refresh_from_db()
    assert home.arrears_since == date(2026, 2, 25)


def test_a_disconnection_needs_the_notice_to_have_run_its_days(billed, home, alice, grace):
    with time_machine.travel("2026-03-20 10:00 +0800"):  # 23 days overdue: the notice goes out (30 − 7)
        tasks.review_arrears()
        notice = DisconnectionNotice.objects.get(account=home)
        assert notice.planned_on == date(2026, 3, 27)
        assert Notification.objects.filter(recipient=alice, template="disconnection_notice").exists()
        with pytest.raises(actions.BillingRefused):
            actions.disconnect_for_arrears(home, by=grace)
    with time_machine.travel("2026-03-27 10:00 +0800"):
        actions.disconnect_for_arrears(home, by=grace)
    home.refresh_from_db()
    assert (home.status, home.suspension) == (AccountStatus.SUSPENDED, Suspension.ARREARS)


def test_an_account_without_arrears_cannot_be_disconnected(home, grace):
    with pytest.raises(actions.BillingRefused):
        actions.disconnect_for_arrears(home, by=grace)


def test_paying_off_the_arrears_opens_a_reconnection_application_with_its_24_hour_clock(billed, home, alice, grace):
    with time_machine.travel("2026-03-20 10:00 +0800"):
        tasks.review_arrears()
    with time_machine.travel("2026-03-27 10:00 +0800"):
        actions.disconnect_for_arrears(home, by=grace)
    with time_machine.travel("2026-03-28 10:00 +0800"):
        to_pay = ledger.amount_to_pay(home, date(2026, 3, 28))
        _payment, body, signature = pay_online(home, alice, str(to_pay))
        callbacks.receive(SandboxGateway(), body, signature)
        callbacks.receive(SandboxGateway(), body, signature)
    order = WorkOrder.objects.get(account=home, sub_type=ServiceApplicationType.RECONNECTION)
    clock = order.clocks.get(name="resolution")
    assert (clock.due_at - clock.started_at).total_seconds() == 24 * 3600
    home.refresh_from_db()
    assert home.arrears_since is None
    actions.record_reconnection(home, by=grace)
    home.refresh_from_db()
    assert (home.status, home.suspension) == (AccountStatus.ACTIVE, "")


def test_a_prepaid_account_under_its_threshold_is_alerted_once_a_period(home, alice):
    home.is_prepaid = True
    home.save(update_fields=["is_prepaid"])
    LedgerEntry.objects.create(account=home, kind="adjustment", amount=D("150.00"), note="top-up")
    read(home, JANUARY, "230.00")
    with time_machine.travel("2026-02-03 09:00 +0800"):
        tasks.run_bills("2026-01-01")
        tasks.alert_low_balances(JANUARY)
    assert Notification.objects.filter(recipient=alice, template="low_balance", channel="inbox").count() == 1
    assert ledger.balance(home) == D("26.26")


def test_reconciliation_lists_what_the_gateway_and_the_ledger_disagree_on(billed, home, alice, charlie):
    with time_machine.travel("2026-02-10 10:00 +0800"):
        paid, body, signature = pay_online(home, alice, "123.74")
        callbacks.receive(SandboxGateway(), body, signature)
        lost, _body, _signature = pay_online(home, alice, "5.00")  # the gateway charged; the callback never came
        actions.record_counter_payment(home, by=charlie, amount=D("1.00"))  # not the gateway's: not compared
    report = reconciliation.reconcile(SandboxGateway(), date(2026, 2, 10))
    assert report.checked == 2
    assert report.mismatches == [{"reference": lost.reference, "problem": "charged_not_credited", "amount": "5.00"}]


@time_machine.travel("2026-02-10 10:00 +0800")
def test_an_adjustment_is_a_new_entry_with_its_reason_and_settles_what_it_covers(billed, home, mona):
    with pytest.raises(ValidationError):
        actions.adjust_balance(home, by=mona, amount=D("123.74"), note=" ")
    actions.adjust_balance(home, by=mona, amount=D("123.74"), note="meter read too high last year")
    billed.refresh_from_db()
    assert billed.paid_on == date(2026, 2, 10)
    assert LedgerEntry.objects.filter(account=home, kind=EntryKind.ADJUSTMENT).get().note.startswith("meter")
