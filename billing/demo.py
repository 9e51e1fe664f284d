"""The demo city's year of bills and payments (called once from seed_demo).

Each of the year's twelve reading periods is billed by the real bill run (issued on the 3rd of the month after).
Payments are then written in bulk, decided per bill by a hash of its id so that the same seed gives the same
year: most bills paid before their due date, online, at a kiosk or at the counter; some paid late with their
late fee; a few left unpaid, which puts their accounts in arrears. Some residential accounts are prepaid (费控)
and topped up. Then, through the real actions: a few disconnections for arrears, and two accounts that paid
off after being cut, each with its reconnection application (one already reconnected).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.demo import DEMO_CUSTOMER_PHONE, reading_periods
from accounts.models import AccountStatus, CustomerClass, ElectricityAccount, Role, User
from billing import actions, ledger
from billing.models import Bill, DisconnectionNotice, EntryKind, LedgerEntry, Payment, PaymentChannel, PaymentState
from billing.run import run_bills
from services.models import WorkOrder
from services.tariffs.pricing import fen

PREPAID_EVERY = 9  # one residential account in nine pays ahead


def seed_billing(*, seed: int) -> dict[str, int]:
    """Bill the demo year and pay most of it; return what was added. Does nothing if bills exist."""
    if Bill.objects.exists():
        return {}
    today = timezone.localdate()
    _make_prepaid(seed)
    for period in reading_periods(today):
        issued = (period + timedelta(days=32)).replace(day=3)
        run_bills(period, issued_on=min(issued, today))
    with transaction.atomic():
        paid = _pay_in_bulk(seed, today)
    ledger.refresh_all_arrears(today)
    cut = _disconnections(today)
    return {"bills": Bill.objects.count(), "payments": paid, "disconnections": cut}


def _make_prepaid(seed: int) -> None:
    """Some residential accounts pay ahead, and start with a top-up large enough for most of a year."""
    accounts = ElectricityAccount.objects.filter(
        customer_class=CustomerClass.LV_RESIDENTIAL, status=AccountStatus.ACTIVE
    )
    accounts = accounts.exclude(linked_user__phone=DEMO_CUSTOMER_PHONE)
    # Decided by the account's number, not its id: the same seed gives the same city however it was inserted.
    ids = [pk for pk, number in accounts.values_list("pk", "number") if (int(number) + seed) % PREPAID_EVERY == 0]
    ElectricityAccount.objects.filter(pk__in=ids).update(is_prepaid=True)
    start = timezone.now() - timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_ledgerentry (account_id, kind, amount, note, created_at) "
            "SELECT id, 'adjustment', 600, 'opening top-up', %s FROM accounts_electricityaccount WHERE is_prepaid",
            [start],
        )


# Of 100 overdue-by-now bills (by a hash of the bill): 0–87 paid on time, 88–98 late, 99 never paid.
ON_TIME, LATE = 88, 99
CHANNELS = (PaymentChannel.COUNTER, PaymentChannel.KIOSK, PaymentChannel.WEB)


PAY_CHUNK = 10_000  # bills paid per round: a million accounts' year is eleven million bills


def _pay_in_bulk(seed: int, today: date) -> int:
    """Payments, their credits and late fees for the postpaid bills already due; the demo customer pays on time
    (all but the last bill, which the demo walk pays). In rounds of PAY_CHUNK bills in id order, so memory stays
    bounded and no one statement grows with the city."""
    demo = set(ElectricityAccount.objects.filter(linked_user__phone=DEMO_CUSTOMER_PHONE).values_list("pk", flat=True))
    bills = Bill.objects.filter(paid_on__isnull=True, amount__gt=0, account__is_prepaid=False, due_on__lt=today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the bills were written just now: plan the rounds on what is there
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Bill._meta.db_table)}")
    span = Bill.objects.aggregate(latest=Max("period"), first=Min("pk"), last=Max("pk"))
    rows = bills.order_by("pk").values_list("pk", "account_id", "amount", "due_on", "period", "account__number")
    paid = 0
    # Windows of ids, each read through the primary key. "The next PAY_CHUNK unpaid bills after the last one"
    # made PostgreSQL gather every unpaid bill and sort them on each round, on statistics taken before the bills
    # existed: five seconds a round, eleven hundred rounds at a million accounts (0.2 s a window now).
    for after in range((span["first"] or 1) - 1, span["last"] or 0, PAY_CHUNK):
        paid += _pay(list(rows.filter(pk__gt=after, pk__lte=after + PAY_CHUNK)), demo, span["latest"], seed)
    return paid


def _pay(rows: list[tuple], demo: set[int], latest: date | None, seed: int) -> int:
    payments, fees, settled = [], [], []
    for pk, account_id, amount, due, period, number in rows:
        key = int(number) * 13 + period.year * 12 + period.month  # the bill's, whatever its id
        draw, days = 0 if account_id in demo else (key * 7919 + seed) % 100, (key * 31 + seed) % 20 + 1
        if draw >= LATE or (account_id in demo and period == latest):
            continue  # never paid; the demo customer's last bill is left for them to pay in the demo
        late = draw >= ON_TIME
        paid_on = due + timedelta(days=days) if late else due - timedelta(days=days % 10)
        fee = fen(amount * Decimal("0.001") * days) if late else Decimal(0)
        at = timezone.make_aware(datetime.combine(paid_on, time(10)))
        channel = CHANNELS[(key + seed) % 3]
        payments.append(Payment(
            reference=f"D{pk}", account_id=account_id, bill_id=pk, amount=amount + fee, channel=channel,
            gateway="counter" if channel == PaymentChannel.COUNTER else "sandbox", state=PaymentState.CONFIRMED,
            started_at=at, finished_at=at,
        ))  # fmt: skip
        if fee:
            fees.append(
                LedgerEntry(account_id=account_id, kind=EntryKind.LATE_FEE, amount=-fee, bill_id=pk, created_at=at)
            )
        settled.append(Bill(pk=pk, paid_on=paid_on, late_fee=fee))
    Payment.objects.bulk_create(payments, batch_size=2000)  # sets each payment's id (PostgreSQL, SQLite ≥ 3.35)
    credits = [
        LedgerEntry(
            account_id=p.account_id, kind=EntryKind.PAYMENT, amount=p.amount, payment=p, created_at=p.started_at
        )
        for p in payments
    ]
    LedgerEntry.objects.bulk_create(fees + credits, batch_size=2000)
    Bill.objects.bulk_update(settled, ["paid_on", "late_fee"], batch_size=2000)
    return len(payments)


def _disconnections(today: date) -> int:
    """Through the real actions: the oldest arrears are noticed and cut; two of them pay off, and each gets its
    reconnection application; one of those is already reconnected."""
    staff = User.objects.filter(role=Role.DEPARTMENT_MANAGER).order_by("username").first()
    if staff is None or not WorkOrder.objects.exists():
        return 0  # a city seeded without orders (orders=0) stays without them
    # Accounts without orders of their own: the year's orders were planned on the accounts as they were, and a
    # city seeded again must plan the same ones (portal.demo_orders triages on the account's state).
    oldest = (
        ElectricityAccount.objects.filter(
            arrears_since__lt=today - timedelta(days=40), status=AccountStatus.ACTIVE, linked_user__isnull=True
        )
        .exclude(pk__in=WorkOrder.objects.filter(account__isnull=False).values("account_id"))
        .order_by("arrears_since", "number")[:5]
    )
    cut = []
    for account in oldest:
        notice = actions.send_disconnection_notice(account, today=today - timedelta(days=10))
        if notice is not None:
            DisconnectionNotice.objects.filter(pk=notice.pk).update(planned_on=today - timedelta(days=3))
            cut.append(actions.disconnect_for_arrears(account, by=staff))
    for number, account in enumerate(cut[:2]):
        actions.record_counter_payment(account, by=staff, amount=ledger.amount_to_pay(account, today))
        if number == 0:
            actions.record_reconnection(account, by=staff)
    return len(cut)
