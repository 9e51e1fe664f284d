"""How a fault is reported at a self-service kiosk (services.kinds.KioskFiling; the kiosk API is outlets.kiosk)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import ElectricityAccount, User
from services.kinds import KioskFiling
from services.models import Channel, WorkOrder
from services.repair import actions
from services.repair.models import FaultType


@extend_schema_serializer(component_name="KioskFaultReportFields")
class KioskFaultFields(serializers.Serializer):
    fault_type = serializers.ChoiceField(choices=FaultType.choices)


def report_at_kiosk(*, by: User, account: ElectricityAccount, description: str, fault_type: str) -> WorkOrder:
    """Report a fault on the proven customer's account, as the web does, through the kiosk's channel."""
    return actions.report_fault(
        by=by, channel=Channel.KIOSK, fault_type=fault_type, description=description, account=account
    )


KIOSK_FILING = KioskFiling(label=_("Report a fault"), fields=KioskFaultFields, file=report_at_kiosk)
