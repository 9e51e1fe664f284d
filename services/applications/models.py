"""Service applications (服务申请), the 95598 sub-types with their own time limits.

The model keeps the `services` app label (and its table and migrations): it moved here from services/models/.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.models.orders import WorkOrder

SERVICE_APPLICATION = "service_application"  # the kind's code on WorkOrder.kind


class ServiceApplicationType(models.TextChoices):
    RECONNECTION = "reconnection", _("Reconnection after arrears are paid")  # 24 h
    APPLIANCE_DAMAGE = "appliance_damage", _("Household appliance damage")  # on site within 24 h
    METER_ABNORMALITY = "meter_abnormality", _("Meter abnormality")  # 4 working days
    METER_CALIBRATION = "meter_calibration", _("Meter calibration")  # 5 working days
    READING_ABNORMALITY = "reading_abnormality", _("Meter-reading data abnormality")  # 6 working days
    OTHER = "other", _("Other service application")  # 5 working days


class ServiceApplication(models.Model):
    """What is particular to a service application: its type and what the customer asked for."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="application", verbose_name=_("work order")
    )
    application_type = models.CharField(_("type"), max_length=30, choices=ServiceApplicationType.choices)
    # Appliance damage: the clock pauses while the company waits for the customer's evidence.
    evidence_requested_at = models.DateTimeField(_("evidence requested at"), null=True, blank=True)
    evidence_received_at = models.DateTimeField(_("evidence received at"), null=True, blank=True)

    class Meta:
        app_label = "services"
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")

    def __str__(self) -> str:
        return str(self.order)

    @property
    def sub_type_label(self) -> str:
        """The order's sub-type as the order pages show it beside the kind."""
        return self.get_application_type_display()
