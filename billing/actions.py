"""Every change to money and arrears: payments (start, confirm, fail, refund, at the counter), adjustments,
disconnection notices, disconnection and reconnection for arrears, low-balance alerts.

Each locks the account's row first (select_for_update), so that parallel callbacks, a counter payment and a
settlement on one account run one after the other; the ledger's unique constraints (one credit per payment) are
the database's own guarantee behind it. Messages go through the outbox after commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ElectricityAccount, Suspension, User
from billing import ledger
from billing.gateways import payment_gateway
from billing.models import (
    PAYMENT_TRANSITIONS,
    Bill,
    DisconnectionNotice,
    EntryKind,
    LedgerEntry,
    Payment,
    PaymentChannel,
    PaymentEvent,
    PaymentState,
)
from services import notifications
from services.applications.actions import file_service_application
from services.applications.models import ServiceApplicationType
from services.models import Channel, Status, WorkOrder
from services.models.orders import CLOSED

ORDER_CHANNEL = {
    PaymentChannel.WEB: Channel.WEB,
    PaymentChannel.KIOSK: Channel.KIOSK,
    PaymentChannel.COUNTER: Channel.COUNTER,
}
MAX_PAYMENT = Decimal("1000000")


class BillingRefused(Exception):
    """The change is not allowed in the current state (a 409 in the API, a message on the pages)."""


def _lock(account: ElectricityAccount) -> ElectricityAccount:
    return ElectricityAccount.objects.select_for_update().get(pk=account.pk)


def _check_amount(amount: Decimal) -> None:
    if amount <= 0 or amount > MAX_PAYMENT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("Enter an amount in yuan, more than 0, to the fen.")]})


def _reference() -> str:
    return timezone.localtime().strftime("P%Y%m%d") + get_random_string(12, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def _move(payment: Payment, to: str, *, by: User | None, note: str = "") -> Payment:
    """The one place a payment changes state: checked against PAYMENT_TRANSITIONS, recorded as an event."""
    if to not in PAYMENT_TRANSITIONS[payment.state]:
        raise BillingRefused(
            _("This payment is %(state)s and cannot change that way.") % {"state": payment.get_state_display()}
        )
    now = timezone.now()
    PaymentEvent.objects.create(payment=payment, from_state=payment.state, to_state=to, at=now, by=by, note=note[:200])
    payment.state, payment.finished_at = to, now
    payment.save(update_fields=["state", "finished_at", "gateway_reference"])
    return payment


def start_payment(
    account: ElectricityAccount, *, by: User, amount: Decimal, channel: str, bill: Bill | None = None
) -> Payment:
    """Start paying `amount` into the account through the gateway; the customer finishes on its checkout page."""
    _check_amount(amount)
    if account.status == AccountStatus.CLOSED:
        raise BillingRefused(_("Account %(number)s is closed.") % {"number": account.number})
    with transaction.atomic():
        payment = Payment.objects.create(
            reference=_reference(),
            account=account,
            bill=bill,
            amount=amount,
            channel=channel,
            gateway=payment_gateway().name,
            started_at=timezone.now(),
            started_by=by,
        )
        PaymentEvent.objects.create(payment=payment, to_state=PaymentState.STARTED, at=payment.started_at, by=by)
    return payment


def confirm_payment(payment: Payment, *, gateway_reference: str, amount: Decimal) -> Payment:
    """The gateway confirmed the payment: credit it once (a repeated callback changes nothing), settle bills.

    Raises ValidationError when the gateway's amount is not the payment's (the reconciliation reports it).
    """
    with transaction.atomic():
        account = _lock(payment.account)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state == PaymentState.CONFIRMED:
            return payment
        if amount != payment.amount:
            raise ValidationError({"amount": [_("The amount confirmed is not the amount of the payment.")]})
        payment.gateway_reference = gateway_reference[:64]
        _move(payment, PaymentState.CONFIRMED, by=None, note=gateway_reference)
        _credit(account, payment, by=payment.started_by)
    return payment


def fail_payment(payment: Payment, *, gateway_reference: str = "", note: str = "") -> Payment:
    """The gateway refused the payment, or the customer gave up: nothing is credited."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state == PaymentState.FAILED:
            return payment
        payment.gateway_reference = gateway_reference[:64]
        return _move(payment, PaymentState.FAILED, by=None, note=note)


def record_counter_payment(account: ElectricityAccount, *, by: User, amount: Decimal) -> Payment:
    """Cash or card taken at the counter by staff: confirmed at once and credited."""
    _check_amount(amount)
    with transaction.atomic():
        account = _lock(account)
        if account.status == AccountStatus.CLOSED:
            raise BillingRefused(_("Account %(number)s is closed.") % {"number": account.number})
        now = timezone.now()
        payment = Payment.objects.create(
            reference=_reference(),
            account=account,
            amount=amount,
            channel=PaymentChannel.COUNTER,
            gateway="counter",
            state=PaymentState.CONFIRMED,
            started_at=now,
            finished_at=now,
            started_by=by,
        )
        PaymentEvent.objects.create(payment=payment, to_state=PaymentState.CONFIRMED, at=now, by=by)
        _credit(account, payment, by=by)
    return payment


def refund_payment(payment: Payment, *, by: User, note: str) -> Payment:
    """Give a confirmed payment back: a debit entry of its amount, and the gateway's refund."""
    if not note.strip():
        raise ValidationError({"note": [_("Say why the payment is refunded.")]})
    with transaction.atomic():
        account = _lock(payment.account)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _move(payment, PaymentState.REFUNDED, by=by, note=note)
        LedgerEntry.objects.create(
            account=account,
            kind=EntryKind.REFUND,
            amount=-payment.amount,
            payment=payment,
            note=note[:200],
            created_by=by,
        )
        if payment.gateway != "counter":
            payment_gateway().refund(payment)
        ledger.refresh_arrears(account, timezone.localdate())
    return payment


def adjust_balance(account: ElectricityAccount, *, by: User, amount: Decimal, note: str) -> LedgerEntry:
    """A correction by staff: a new entry of either sign with its reason (entries are never changed)."""
    if not note.strip():
        raise ValidationError({"note": [_("Say why the balance is adjusted.")]})
    if amount == 0 or abs(amount) > MAX_PAYMENT:
        raise ValidationError({"amount": [_("Enter an amount in yuan, not 0.")]})
    with transaction.atomic():
        account = _lock(account)
        entry = LedgerEntry.objects.create(
            account=account, kind=EntryKind.ADJUSTMENT, amount=amount, note=note[:200], created_by=by
        )
        _after_credit(account, by=by, channel=PaymentChannel.COUNTER)
    return entry


def _credit(account: ElectricityAccount, payment: Payment, *, by: User | None) -> None:
    LedgerEntry.objects.create(
        account=account, kind=EntryKind.PAYMENT, amount=payment.amount, payment=payment, created_by=by
    )
    _after_credit(account, by=by, channel=payment.channel)
    if account.linked_user_id:
        notifications.notify(
            None,
            template="payment_confirmed",
            recipients=[account.linked_user],
            context={"amount": str(payment.amount), "account": account.number, "reference": payment.reference,
                     "link": reverse("billing:account", args=[account.number])},
            channels=["inbox"],
            dedupe=f"payment_confirmed:{payment.pk}",
        )  # fmt: skip


def _after_credit(account: ElectricityAccount, *, by: User | None, channel: str) -> None:
    """Settle what the money covers; once no bill is overdue, an account cut for arrears gets its reconnection."""
    today = timezone.localdate()
    ledger.settle(account, today=today, by=by)
    since = ledger.refresh_arrears(account, today)
    cut = account.status == AccountStatus.SUSPENDED and account.suspension == Suspension.ARREARS
    if since is None and cut:
        open_reconnection(account, by=by, channel=ORDER_CHANNEL.get(channel, Channel.WEB))


def _reconnection_filer(account: ElectricityAccount, by: User | None) -> User | None:
    if by is not None and (by.is_employee or (by.is_customer and account.linked_user_id == by.pk)):
        return by
    return account.linked_user or account.grid.manager


def open_reconnection(account: ElectricityAccount, *, by: User | None, channel: str) -> WorkOrder | None:
    """Open the reconnection service application (its 24-hour clock), unless one is already open."""
    kind = ServiceApplicationType.RECONNECTION
    existing = WorkOrder.objects.filter(account=account, sub_type=kind).exclude(status__in=[*CLOSED, Status.RESOLVED])
    filer = _reconnection_filer(account, by)
    if existing.exists() or filer is None:
        return None
    description = _("Arrears on account %(number)s are paid: reconnect the supply within the time limit.") % {
        "number": account.number
    }
    return file_service_application(
        by=filer, channel=channel, application_type=kind, description=description, account=account
    )


def send_disconnection_notice(account: ElectricityAccount, *, today: date) -> DisconnectionNotice | None:
    """Tell the customer the supply may be cut `notice_days` from now unless the oldest overdue bill is paid."""
    rule = ledger.rule_for(account, today)
    oldest = Bill.objects.overdue(today).filter(account=account).order_by("due_on").first()
    if rule is None or oldest is None:
        return None
    with transaction.atomic():
        notice, created = DisconnectionNotice.objects.get_or_create(
            bill=oldest,
            defaults={
                "account": account,
                "sent_at": timezone.now(),
                "planned_on": today + timedelta(days=rule.notice_days),
            },
        )
        if created and account.linked_user_id:
            owed = sum((item.total for item in ledger.owed(account, today)), Decimal(0))
            notifications.notify(
                None,
                template="disconnection_notice",
                recipients=[account.linked_user],
                context={"account": account.number, "amount": str(owed), "since": oldest.due_on.isoformat(),
                         "planned_on": notice.planned_on.isoformat(),
                         "link": reverse("billing:account", args=[account.number])},
                dedupe=f"disconnection_notice:{oldest.pk}",
            )  # fmt: skip
    return notice


def disconnect_for_arrears(account: ElectricityAccount, *, by: User) -> ElectricityAccount:
    """Record that the supply was cut for arrears: allowed once a notice's date has come and arrears remain."""
    today = timezone.localdate()
    with transaction.atomic():
        account = _lock(account)
        if account.status != AccountStatus.ACTIVE:
            raise BillingRefused(_("Only an active account can be disconnected."))
        if ledger.refresh_arrears(account, today) is None:
            raise BillingRefused(_("This account has no overdue bills."))
        notice = DisconnectionNotice.objects.filter(account=account, bill__paid_on__isnull=True, planned_on__lte=today)
        if not notice.exists():
            raise BillingRefused(_("The disconnection notice has not run its time yet."))
        account.status, account.suspension = AccountStatus.SUSPENDED, Suspension.ARREARS
        account.save(update_fields=["status", "suspension"])
    return account


def record_reconnection(account: ElectricityAccount, *, by: User) -> ElectricityAccount:
    """Record that the supply is back after arrears were paid: the account is active again."""
    with transaction.atomic():
        account = _lock(account)
        if account.suspension != Suspension.ARREARS:
            raise BillingRefused(_("This account is not cut for arrears."))
        if ledger.refresh_arrears(account, timezone.localdate()) is not None:
            raise BillingRefused(_("The arrears are not paid yet."))
        account.status, account.suspension = AccountStatus.ACTIVE, ""
        account.save(update_fields=["status", "suspension"])
    return account


def alert_low_balance(account: ElectricityAccount, *, period: date) -> bool:
    """Tell a prepaid account's customer their balance is under the rule's threshold (once per period)."""
    rule = ledger.rule_for(account, timezone.localdate())
    if rule is None or not account.is_prepaid or account.linked_user_id is None:
        return False
    current = ledger.balance(account)
    if current >= rule.low_balance:
        return False
    created = notifications.notify(
        None,
        template="low_balance",
        recipients=[account.linked_user],
        context={
            "account": account.number,
            "balance": str(current),
            "link": reverse("billing:account", args=[account.number]),
        },
        dedupe=f"low_balance:{account.pk}:{period:%Y-%m}",
    )
    return bool(created)
