"""Bills, the account ledger, payments and the arrears rules.

The ledger is the truth about money: every bill is a debit, every payment or adjustment a credit, no entry is
ever changed (a correction is a new entry), and an account's balance is the sum of its entries (positive: in
credit, as a prepaid account should be; negative: owed). A bill records when it was settled (`paid_on`) by the
payments that covered it, oldest bill first (billing.ledger.settle).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import CustomerClass, ElectricityAccount, User


class BillRun(models.Model):
    """One reading period's bill run: resumable (it goes through the accounts in id order and remembers the last
    one billed after each chunk), and idempotent (an account billed for the period is never billed again)."""

    period = models.DateField(_("period"), unique=True, help_text=_("The first day of the month read."))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_account_id = models.BigIntegerField(default=0)
    bills = models.PositiveIntegerField(_("bills issued"), default=0)

    class Meta:
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"


class BillQuerySet(models.QuerySet["Bill"]):
    def unpaid(self) -> BillQuerySet:
        return self.filter(paid_on__isnull=True)

    def overdue(self, today: date) -> BillQuerySet:
        """Unpaid after the due date: in arrears."""
        return self.filter(paid_on__isnull=True, due_on__lt=today)

    def visible_to(self, user: User) -> BillQuerySet:
        return self.filter(account__in=ElectricityAccount.objects.visible_to(user))


class Bill(models.Model):
    """One account's monthly bill: the energy charge of one reading under the tariff then in force."""

    account = models.ForeignKey(ElectricityAccount, models.PROTECT, related_name="bills", verbose_name=_("account"))
    period = models.DateField(_("period"), help_text=_("The first day of the month read."))
    tariff = models.ForeignKey("tariffs.Tariff", models.PROTECT, related_name="+", verbose_name=_("tariff"))
    kwh = models.DecimalField(_("kWh"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    # Set when payments covered it (billing.ledger.settle); the late fee charged then, if it was overdue.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    late_fee = models.DecimalField(_("late fee"), max_digits=12, decimal_places=2, default=Decimal(0))
    run = models.ForeignKey(BillRun, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["account", "-period"]
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="one_bill_per_account_month")]
        indexes = [models.Index(fields=["due_on"], condition=Q(paid_on__isnull=True), name="bill_unpaid_due")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period:%Y-%m}"

    def is_overdue(self, today: date) -> bool:
        return self.paid_on is None and self.due_on < today


class Band(models.TextChoices):
    FLAT = "flat", pgettext_lazy("tariff band", "All day")
    PEAK = "peak", _("Peak")
    VALLEY = "valley", _("Valley")


class BillLine(models.Model):
    """One line of a bill: a tier's kWh (or its peak or valley part) at its price. Amounts are kept unrounded
    (to the millionth of a yuan) so that the bill, rounded once to the fen, is what pricing.py says."""

    bill = models.ForeignKey(Bill, models.CASCADE, related_name="lines")
    tier = models.PositiveSmallIntegerField(_("tier"))
    band = models.CharField(_("band"), max_length=6, choices=Band.choices)
    kwh = models.DecimalField(_("kWh"), max_digits=14, decimal_places=4)
    price = models.DecimalField(_("price (yuan/kWh)"), max_digits=8, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=6)

    class Meta:
        ordering = ["bill", "tier", "band"]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.tier} {self.band}"


class EntryKind(models.TextChoices):
    BILL = "bill", _("Bill")  # debit
    LATE_FEE = "late_fee", _("Late fee")  # debit, when an overdue bill is settled
    PAYMENT = "payment", _("Payment")  # credit
    REFUND = "refund", _("Refund")  # debit: a confirmed payment given back
    ADJUSTMENT = "adjustment", _("Adjustment")  # either sign: a correction by staff, with its reason


class LedgerEntry(models.Model):
    """One immutable movement on an account: negative is a debit, positive a credit."""

    account = models.ForeignKey(ElectricityAccount, models.PROTECT, related_name="ledger", verbose_name=_("account"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    bill = models.ForeignKey(Bill, models.PROTECT, null=True, blank=True, related_name="entries")
    payment = models.ForeignKey("Payment", models.PROTECT, null=True, blank=True, related_name="entries")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account", "created_at", "id"]
        indexes = [models.Index(fields=["account", "created_at"])]
        constraints = [
            # The database's own guarantee that a bill is charged once and a payment credited once.
            models.UniqueConstraint(fields=["bill"], condition=Q(kind="bill"), name="one_debit_per_bill"),
            models.UniqueConstraint(fields=["bill"], condition=Q(kind="late_fee"), name="one_late_fee_per_bill"),
            models.UniqueConstraint(fields=["payment"], condition=Q(kind="payment"), name="one_credit_per_payment"),
            models.UniqueConstraint(fields=["payment"], condition=Q(kind="refund"), name="one_refund_per_payment"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"


class PaymentState(models.TextChoices):
    STARTED = "started", _("Started")  # sent to the gateway, not yet confirmed
    CONFIRMED = "confirmed", _("Confirmed")  # the gateway confirmed it: credited to the ledger
    FAILED = "failed", _("Failed")  # the gateway refused it, or the customer gave up
    REFUNDED = "refunded", _("Refunded")  # given back after confirmation


# Allowed transitions: the one table billing.actions._move checks.
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentState.STARTED: frozenset({PaymentState.CONFIRMED, PaymentState.FAILED}),
    PaymentState.CONFIRMED: frozenset({PaymentState.REFUNDED}),
    PaymentState.FAILED: frozenset(),
    PaymentState.REFUNDED: frozenset(),
}


class PaymentChannel(models.TextChoices):
    WEB = "web", _("Website or app")
    KIOSK = "kiosk", _("Self-service kiosk")
    COUNTER = "counter", _("Business hall counter")


class PaymentQuerySet(models.QuerySet["Payment"]):
    def visible_to(self, user: User) -> PaymentQuerySet:
        return self.filter(account__in=ElectricityAccount.objects.visible_to(user))


class Payment(models.Model):
    """One payment, from its start to its end: a row, never only in memory, whatever the gateway does."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    account = models.ForeignKey(ElectricityAccount, models.PROTECT, related_name="payments", verbose_name=_("account"))
    bill = models.ForeignKey(Bill, models.SET_NULL, null=True, blank=True, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    gateway = models.CharField(_("gateway"), max_length=40)
    gateway_reference = models.CharField(_("gateway reference"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.STARTED)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["gateway", "started_at"]), models.Index(fields=["account", "started_at"])]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(models.Model):
    """The payment's history: one row per change of state (who or which callback, when)."""

    payment = models.ForeignKey(Payment, models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=PaymentState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=PaymentState.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["payment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.from_state} → {self.to_state}"


class ArrearsRuleQuerySet(models.QuerySet["ArrearsRule"]):
    def in_effect(self, on: date) -> ArrearsRuleQuerySet:
        return self.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


class ArrearsRule(models.Model):
    """What overdue bills cost and lead to, per customer class, between two dates (供电营业规则 违约金)."""

    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices)
    late_fee_per_day = models.DecimalField(
        _("late fee per day"), max_digits=6, decimal_places=5, help_text=_("A share of the arrears: 0.001 is 1‰.")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice days"), help_text=_("Days between the disconnection notice and the earliest disconnection.")
    )
    disconnect_after_days = models.PositiveSmallIntegerField(
        _("disconnect after (days overdue)"), help_text=_("The earliest disconnection, in days after the due date.")
    )
    low_balance = models.DecimalField(_("low balance alert (yuan)"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = ArrearsRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrears rule")
        verbose_name_plural = _("arrears rules")
        ordering = ["customer_class", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.customer_class} {self.effective_from}"


class DisconnectionNotice(models.Model):
    """The notice sent before a disconnection for arrears, once per overdue bill; staff may disconnect only after
    its `planned_on`."""

    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="+")
    bill = models.ForeignKey(Bill, models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    planned_on = models.DateField(_("disconnection from"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bill"], name="one_notice_per_bill")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.planned_on}"


class Reconciliation(models.Model):
    """One day's comparison of our payments with the gateway's record; `mismatches` lists what differs."""

    day = models.DateField(_("day"))
    gateway = models.CharField(_("gateway"), max_length=40)
    checked = models.PositiveIntegerField(_("payments checked"), default=0)
    mismatches = models.JSONField(_("mismatches"), default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [models.UniqueConstraint(fields=["day", "gateway"], name="one_reconciliation_per_day")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.day}"


class SandboxCharge(models.Model):
    """The sandbox gateway's own record of what it charged (its side of the daily reconciliation)."""

    reference = models.CharField(max_length=32, unique=True)
    gateway_reference = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    succeeded = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.reference


def company_details() -> dict[str, str]:
    """The company on bills and invoices (settings.BILLING_COMPANY)."""
    return dict(settings.BILLING_COMPANY)
