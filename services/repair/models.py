"""Fault repair (故障报修): its statuses, a report's particulars, and outage events that many reports join.

The models keep the `services` app label (and its tables and migrations): they moved here from
services/models/ with the rest of the kind, which needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceGrid, User
from services.models.orders import Status, WorkOrder

FAULT_REPAIR = "fault_repair"  # the kind's code on WorkOrder.kind


class RepairStatus(models.TextChoices):
    """A repair's own statuses between the backbone's assigned and resolved."""

    ACCEPTED = "accepted", _("Accepted")  # the repair crew has taken the dispatch
    DEPARTED = "departed", _("Crew on the way")  # repair crew left for the site
    ARRIVED = "arrived", _("Crew on site")  # repair crew reached the site
    JOINED_OUTAGE = "joined_outage", _("Part of a known outage")  # waits on the outage's own repair


class FaultType(models.TextChoices):
    NO_POWER_HOME = "no_power_home", _("No power in my home")
    NO_POWER_AREA = "no_power_area", _("No power in the area")
    VOLTAGE = "voltage", _("Low or unstable voltage")
    DANGER = "danger", _("Danger, such as a fallen line")


class Triage(models.TextChoices):
    PENDING = "pending", _("Not yet triaged")
    GRID = "grid", _("Grid-side fault: crew dispatched")
    OUTAGE = "outage", _("Part of a known outage")
    ARREARS = "arrears", _("Supply cut for arrears")
    PREMISES = "premises", _("Fault inside the customer's premises")


class OutageKind(models.TextChoices):
    PLANNED = "planned", _("Planned maintenance")
    FAULT = "fault", _("Fault")


class OutageEvent(models.Model):
    """One outage on one 台区: every report from that 台区 while it lasts joins it, and one crew repairs it."""

    grid = models.ForeignKey(ServiceGrid, models.PROTECT, related_name="outages", verbose_name=_("service grid"))
    kind = models.CharField(_("kind"), max_length=10, choices=OutageKind.choices)
    started_at = models.DateTimeField(_("started at"))
    expected_end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=200, blank=True)
    # The repair order whose crew works this outage; the orders that joined it follow its restoration.
    lead_order = models.OneToOneField(
        WorkOrder, models.SET_NULL, null=True, blank=True, related_name="led_outage", verbose_name=_("repair order")
    )
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        app_label = "services"
        verbose_name = _("outage event")
        verbose_name_plural = _("outage events")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["grid"], condition=models.Q(restored_at__isnull=True), name="outage_live_idx")]

    def __str__(self) -> str:
        return f"{self.grid_id} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class FaultReport(models.Model):
    """What is particular to a fault-repair order: the fault, the triage, and the crew's reported times."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="fault", verbose_name=_("work order")
    )
    fault_type = models.CharField(_("fault type"), max_length=20, choices=FaultType.choices)
    triage = models.CharField(_("triage"), max_length=10, choices=Triage.choices, default=Triage.PENDING)
    outage = models.ForeignKey(
        OutageEvent, models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("outage")
    )
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    cause = models.CharField(_("fault cause"), max_length=200, blank=True)
    unable_reason = models.CharField(_("why it could not be completed"), max_length=500, blank=True)
    # The customer's word after restoration: True confirmed, False disputed, None not yet said.
    customer_confirmed = models.BooleanField(_("confirmed by the customer"), null=True, blank=True)

    class Meta:
        app_label = "services"
        verbose_name = _("fault report")
        verbose_name_plural = _("fault reports")

    def __str__(self) -> str:
        return str(self.order)

    @property
    def shows_crew(self) -> bool:
        """Whether the customer's page names the crew: one is dispatched and has not finished."""
        order = self.order
        crew_steps = (Status.ASSIGNED, RepairStatus.ACCEPTED, RepairStatus.DEPARTED, RepairStatus.ARRIVED)
        return order.status in crew_steps and order.assigned_to_id is not None and self.triage == Triage.GRID

    @property
    def sub_type_label(self) -> str:
        """The order's sub-type as the order pages show it beside the kind."""
        return self.get_fault_type_display()
