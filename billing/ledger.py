"""Reading the ledger: balances, late fees, what is owed; settling bills; the account's arrears state.

`settle` and `refresh_arrears` write, and are called only from billing.actions under the account's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from accounts.models import ElectricityAccount, User
from billing.models import ArrearsRule, Bill, EntryKind, LedgerEntry
from services.tariffs.pricing import fen

ZERO = Decimal(0)


@dataclass(frozen=True)
class Owed:
    """One unpaid bill and the late fee it would carry if settled today."""

    bill: Bill
    late_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.bill.amount + self.late_fee


def balance(account: ElectricityAccount) -> Decimal:
    """Credits less debits: positive is money in hand (prepaid), negative is owed."""
    total = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or ZERO
    return fen(total) + ZERO  # SQLite sums decimals as floats: back to the fen (and -0 to 0)


def rule_for(account: ElectricityAccount, on: date) -> ArrearsRule | None:
    return ArrearsRule.objects.in_effect(on).filter(customer_class=account.customer_class).first()


def late_fee(bill: Bill, rules: list[ArrearsRule], today: date) -> Decimal:
    """The late fee on an unpaid bill by `today`: each day after the due date at the rate in force that day."""
    if bill.due_on >= today:
        return ZERO
    rate_days = ZERO
    first, last = bill.due_on + timedelta(days=1), today
    for rule in rules:
        start = max(first, rule.effective_from)
        end = min(last, rule.effective_to or last)
        if start <= end:
            rate_days += rule.late_fee_per_day * ((end - start).days + 1)
    return fen(bill.amount * rate_days)


def class_rules(account: ElectricityAccount) -> list[ArrearsRule]:
    return list(ArrearsRule.objects.filter(customer_class=account.customer_class))


def owed(account: ElectricityAccount, today: date) -> list[Owed]:
    """The account's unpaid bills, oldest first, each with its late fee as of `today`."""
    rules = class_rules(account)
    bills = Bill.objects.filter(account=account, paid_on__isnull=True).order_by("period")
    return [Owed(bill, late_fee(bill, rules, today)) for bill in bills]


def amount_to_pay(
    account: ElectricityAccount, today: date, *, items: list[Owed] | None = None, held: Decimal | None = None
) -> Decimal:
    """What settles every unpaid bill today (late fees included), less any credit already held."""
    items = owed(account, today) if items is None else items
    held = balance(account) if held is None else held
    free = held + sum((item.bill.amount for item in items), ZERO)
    return max(sum((item.total for item in items), ZERO) - max(free, ZERO), ZERO)


def settle(account: ElectricityAccount, *, today: date, by: User | None) -> list[Bill]:
    """Mark paid, oldest first, the unpaid bills the account's money covers, charging each overdue one its
    late fee (a debit entry) as it is settled. Returns the bills settled."""
    items = owed(account, today)
    # The unpaid bills' debits are already in the balance: what is free to settle them is the balance plus them.
    free = balance(account) + sum((item.bill.amount for item in items), ZERO)
    settled = []
    for item in items:
        if free < item.total:
            break
        if item.late_fee:
            LedgerEntry.objects.create(
                account=account, kind=EntryKind.LATE_FEE, amount=-item.late_fee, bill=item.bill, created_by=by
            )
        Bill.objects.filter(pk=item.bill.pk).update(paid_on=today, late_fee=item.late_fee)
        free -= item.total
        settled.append(item.bill)
    return settled


def refresh_arrears(account: ElectricityAccount, today: date) -> date | None:
    """Write the account's `arrears_since`: the due date of its oldest overdue bill, None when none is."""
    oldest = Bill.objects.overdue(today).filter(account=account).order_by("due_on").values_list("due_on", flat=True)
    since = oldest.first()
    if account.arrears_since != since:
        account.arrears_since = since
        account.save(update_fields=["arrears_since"])
    return since


def refresh_all_arrears(today: date) -> int:
    """`arrears_since` of every account in one UPDATE: those with an overdue bill and those that had one."""
    account, bill = ElectricityAccount._meta.db_table, Bill._meta.db_table
    oldest = (
        f"(SELECT MIN(b.due_on) FROM {bill} b "
        f"WHERE b.account_id = {account}.id AND b.paid_on IS NULL AND b.due_on < %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {account} SET arrears_since = {oldest} WHERE (arrears_since IS NOT NULL OR id IN "
            f"(SELECT account_id FROM {bill} WHERE paid_on IS NULL AND due_on < %s)) "
            f"AND arrears_since IS DISTINCT FROM {oldest}"
            if connection.vendor == "postgresql"
            else f"UPDATE {account} SET arrears_since = {oldest} WHERE (arrears_since IS NOT NULL OR id IN "
            f"(SELECT account_id FROM {bill} WHERE paid_on IS NULL AND due_on < %s)) "
            f"AND arrears_since IS NOT {oldest}",
            [today, today, today],
        )
        return cursor.rowcount
