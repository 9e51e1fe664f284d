"""Time limits as data: policies, the working-day calendar's exceptions, and the clocks running on orders.

services.sla computes due times (the national calendar from `holidays` plus CalendarException) and starts,
pauses, resumes and stops clocks; services.tasks.sweep_sla_clocks raises warnings and breaches.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AreaType, CustomerClass
from services import kinds
from services.models.orders import Channel, WorkOrder


def default_warning_levels() -> list[int]:
    # State Grid Hebei's four-level early warning: 50 %, 75 %, 90 % of the allowed time, then the breach.
    return [50, 75, 90]


class SlaUnit(models.TextChoices):
    MINUTES = "minutes", _("Minutes, around the clock")
    HOURS = "hours", _("Hours, around the clock")
    WORKING_DAYS = "working_days", _("Working days")


class SlaPolicy(models.Model):
    """A published time limit: which orders it applies to, how long they have, and when it warns.

    Blank criteria match anything; of the policies that match an order and are in force on its day, the most
    specific wins (services.sla.policy_for). Clocks copy target, unit and warning levels when they start, so
    editing a policy never changes clocks already running.
    """

    name = models.CharField(_("name"), max_length=200)
    order_kind = models.CharField(_("order kind"), max_length=30, choices=kinds.kind_choices)
    sub_type = models.CharField(_("sub-type"), max_length=30, blank=True)
    clock = models.CharField(_("clock"), max_length=50, help_text=_("e.g. arrival, restoration, resolution"))
    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices, blank=True)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    target = models.PositiveIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=20, choices=SlaUnit.choices)
    warning_levels = models.JSONField(
        # xgettext:no-python-format (the label is never %-formatted; without this the catalogue fails to compile)
        _("warning levels (% of the allowed time)"),
        default=default_warning_levels,
        blank=True,
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        ordering = ["order_kind", "clock", "sub_type", "-effective_from"]
        indexes = [models.Index(fields=["order_kind", "clock"])]

    def __str__(self) -> str:
        return self.name


class CalendarException(models.Model):
    """An administrator's change to the national working-day calendar: an extra day off or working day."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")  # counting; may already be past due (breached_at set)
    PAUSED = "paused", _("Paused")  # waiting for the customer: the due time moves on by the pause
    MET = "met", _("Met")  # stopped in time
    BREACHED = "breached", _("Breached")  # stopped late


class Clock(models.Model):
    """A named time limit on one work order (arrival, restoration, resolution, stage:<name>, …)."""

    order = models.ForeignKey(WorkOrder, models.CASCADE, related_name="clocks", verbose_name=_("work order"))
    name = models.CharField(_("name"), max_length=50)
    policy = models.ForeignKey(SlaPolicy, models.PROTECT, related_name="clocks", verbose_name=_("policy"))
    # Copied from the policy at start: a later policy change does not move this clock.
    target = models.PositiveIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=20, choices=SlaUnit.choices)
    warning_levels = models.JSONField(_("warning levels"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    # How many warning levels have been announced, and when the sweep must next look at this clock
    # (the next level's instant, or the due time); null once there is nothing left to announce.
    warning_level = models.PositiveSmallIntegerField(_("warning level"), default=0)
    alert_at = models.DateTimeField(_("next alert at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "name"],
                condition=models.Q(state__in=["running", "paused"]),
                name="one_live_clock_per_name",
            ),
        ]
        indexes = [
            # The sweep's only read: running clocks whose next alert has come.
            models.Index(fields=["alert_at"], condition=models.Q(state="running"), name="clock_sweep_idx"),
            models.Index(fields=["order", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.name}"
