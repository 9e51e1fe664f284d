"""How a service application is filed at a self-service kiosk (services.kinds.KioskFiling; outlets.kiosk)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import ElectricityAccount, User
from services.applications import actions
from services.applications.models import ServiceApplicationType
from services.kinds import KioskFiling
from services.models import Channel, WorkOrder


@extend_schema_serializer(component_name="KioskServiceApplicationFields")
class KioskApplicationFields(serializers.Serializer):
    application_type = serializers.ChoiceField(choices=ServiceApplicationType.choices)


def file_at_kiosk(*, by: User, account: ElectricityAccount, description: str, application_type: str) -> WorkOrder:
    """File a service application on the proven customer's account through the kiosk's channel."""
    return actions.file_service_application(
        by=by, channel=Channel.KIOSK, application_type=application_type, description=description, account=account
    )


KIOSK_FILING = KioskFiling(label=_("Service application"), fields=KioskApplicationFields, file=file_at_kiosk)
