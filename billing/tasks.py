"""Billing's background work: the bill run, the daily arrears review, notices, alerts and reconciliation."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from accounts.models import AccountStatus, ElectricityAccount
from billing import actions, ledger, reconciliation, run
from billing.gateways import payment_gateway
from billing.models import ArrearsRule, Bill, BillRun, LedgerEntry


def last_period(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@shared_task
def run_bills(period: str | None = None) -> int:
    """Bill a reading period (default: last month); then alert prepaid accounts running low."""
    month = date.fromisoformat(period) if period else last_period(timezone.localdate())
    if period is None and BillRun.objects.filter(period=month, finished_at__isnull=False).exists():
        return 0  # beat asks daily; a finished month is billed (re-run it by naming the period)
    bill_run = run.run_bills(month)
    alert_low_balances(month)
    return bill_run.bills


def alert_low_balances(period: date) -> int:
    """Prepaid accounts whose balance is under their rule's threshold, told once per period."""
    floor = max(ArrearsRule.objects.in_effect(timezone.localdate()).values_list("low_balance", flat=True), default=0)
    balance = LedgerEntry.objects.filter(account=OuterRef("pk")).values("account").annotate(t=Sum("amount")).values("t")
    low = (
        ElectricityAccount.objects.filter(is_prepaid=True, linked_user__isnull=False)
        .annotate(balance=Subquery(balance))
        .filter(balance__lt=floor)
        .select_related("linked_user")
    )
    return sum(actions.alert_low_balance(account, period=period) for account in low)


@shared_task
def review_arrears() -> int:
    """Daily: write every account's arrears state, and send the disconnection notices that are due."""
    today = timezone.localdate()
    ledger.refresh_all_arrears(today)
    return send_disconnection_notices(today)


def send_disconnection_notices(today: date) -> int:
    """A notice for each active account whose oldest overdue bill reaches its rule's notice point today."""
    sent = 0
    for rule in ArrearsRule.objects.in_effect(today):
        notice_from = today - timedelta(days=max(rule.disconnect_after_days - rule.notice_days, 0))
        due = Bill.objects.filter(paid_on__isnull=True, due_on__lte=notice_from)
        accounts = (
            ElectricityAccount.objects.filter(
                customer_class=rule.customer_class, status=AccountStatus.ACTIVE, arrears_since__isnull=False
            )
            .filter(pk__in=due.values("account_id"))
            .select_related("linked_user")
        )
        sent += sum(actions.send_disconnection_notice(account, today=today) is not None for account in accounts)
    return sent


@shared_task
def reconcile_payments(day: str | None = None) -> int:
    """Daily: yesterday's payments against the gateway's record; returns the number of mismatches."""
    on = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    return len(reconciliation.reconcile(payment_gateway(), on).mismatches)
