"""The hall queue (叫号): tickets, their per-day numbering, appointments and their slots.

A ticket's status moves only through outlets.actions, along TICKET_TRANSITIONS (checked in one place,
outlets.actions._move). A transfer closes the ticket as `transferred` and opens a new one with the same
number and the same `queued_at`, so the customer keeps their number and their place, and the first
counter's service time stays in the statistics.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer, ElectricityAccount, User
from outlets.models.outlets import Counter, Outlet, QueueService


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")  # taken at the hall's kiosk
    REMOTE = "remote", _("Web or phone")  # taken before arriving; valid that day, checked in on arrival
    APPOINTMENT = "appointment", _("Appointment")  # from a booked slot, at check-in
    COUNTER = "counter", _("Counter or guide")  # issued by staff (the guide desk, a counter)


class TicketStatus(models.TextChoices):
    PENDING = "pending", _("Not yet arrived")  # a remote ticket before check-in: not called
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")  # on the board; the customer walks to the counter
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")  # called and did not come: skipped
    TRANSFERRED = "transferred", _("Transferred")  # continued as another ticket (transferred_to)
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the customer, or a remote ticket never checked in


# Where a ticket may go from each status. A recall is CALLED → CALLED.
TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.PENDING: frozenset({TicketStatus.WAITING, TicketStatus.CANCELLED}),
    TicketStatus.WAITING: frozenset({TicketStatus.CALLED, TicketStatus.CANCELLED}),
    TicketStatus.CALLED: frozenset(
        {TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.NO_SHOW, TicketStatus.TRANSFERRED}
    ),
    TicketStatus.SERVING: frozenset({TicketStatus.DONE, TicketStatus.TRANSFERRED}),
    # A customer who comes back after being skipped joins the queue again with their number.
    TicketStatus.NO_SHOW: frozenset({TicketStatus.WAITING}),
}

OPEN_STATUSES = [TicketStatus.PENDING, TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING]


class TicketNumber(models.Model):
    """The last number given for one service at one outlet on one day: the row issuing locks (see actions)."""

    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="+")
    service = models.ForeignKey(QueueService, models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outlet", "service", "day"], name="ticket_number_per_day")]

    def __str__(self) -> str:
        return f"{self.outlet_id}/{self.service_id}/{self.day}: {self.last}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def waiting(self) -> TicketQuerySet:
        return self.filter(status=TicketStatus.WAITING)


class Ticket(models.Model):
    """One customer's place in an outlet's queue for one service on one day."""

    outlet = models.ForeignKey(Outlet, models.PROTECT, related_name="tickets", verbose_name=_("outlet"))
    service = models.ForeignKey(QueueService, models.PROTECT, related_name="tickets", verbose_name=_("service"))
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=10)  # prefix + number, "A007"
    source = models.CharField(_("source"), max_length=12, choices=TicketSource.choices)
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices, editable=False)
    issued_at = models.DateTimeField(_("issued at"))
    # When the wait started: check-in for a remote ticket; kept by a transfer.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # An appointment's ticket is called ahead of walk-ins from this time (its slot's start).
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    # The last call or recall: the board lists and chimes by it.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    counter = models.ForeignKey(
        Counter, models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("counter")
    )
    # A transfer to one counter: only that counter calls it.
    for_counter = models.ForeignKey(
        Counter, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("for counter")
    )
    served_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="served_tickets", verbose_name=_("served by")
    )
    issued_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="issued_tickets", verbose_name=_("issued by")
    )
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("customer")
    )
    account = models.ForeignKey(
        ElectricityAccount, models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("account")
    )
    transferred_from = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    work_orders = models.ManyToManyField(
        "services.WorkOrder", blank=True, related_name="tickets", verbose_name=_("work orders")
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-issued_at"]
        constraints = [
            # A transfer's continuation carries the same number; every other ticket's number is its own.
            models.UniqueConstraint(
                fields=["outlet", "day", "code"],
                condition=models.Q(transferred_from__isnull=True),
                name="ticket_code_unique_per_outlet_day",
            ),
        ]
        indexes = [
            models.Index(fields=["outlet", "day", "status"], name="ticket_outlet_day_status"),
            models.Index(fields=["outlet", "issued_at"], name="ticket_outlet_issued"),
            models.Index(fields=["outlet", "announced_at"], name="ticket_outlet_announced"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def waited(self) -> float | None:
        """Minutes from joining the queue to being called."""
        if self.queued_at is None or self.called_at is None:
            return None
        return (self.called_at - self.queued_at).total_seconds() / 60


class AppointmentSlot(models.Model):
    """A bookable period for one service at one outlet, with room for `capacity` customers."""

    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="slots", verbose_name=_("outlet"))
    service = models.ForeignKey(QueueService, models.CASCADE, related_name="slots", verbose_name=_("service"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=2)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "service", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet} {self.service} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")  # has its ticket
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")  # not checked in before its slot ended


class Appointment(models.Model):
    """A customer's booking of a slot; checking in (up to 30 minutes early) gives a ticket called at its time."""

    slot = models.ForeignKey(AppointmentSlot, models.PROTECT, related_name="appointments", verbose_name=_("slot"))
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED, editable=False
    )
    booked_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="appointments", verbose_name=_("booked by")
    )
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="appointments", verbose_name=_("customer")
    )
    account = models.ForeignKey(
        ElectricityAccount,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("account"),
    )
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_at = models.DateTimeField(_("booked at"))
    ticket = models.OneToOneField(
        Ticket, models.SET_NULL, null=True, blank=True, related_name="appointment", verbose_name=_("ticket")
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-booked_at"]
        constraints = [
            # One live booking per person per slot.
            models.UniqueConstraint(
                fields=["slot", "booked_by"],
                condition=models.Q(status="booked"),
                name="appointment_one_per_person_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
