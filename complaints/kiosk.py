"""How complaints, opinions and suggestions are filed at a self-service kiosk (services.kinds.KioskFiling; the
kiosk API is outlets.kiosk).

A report of misconduct is not offered there: its filer is kept off the order, and a kiosk session is tied to
an account. Praise names an employee, which the kiosk's screen does not ask for.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import ElectricityAccount, User
from complaints import actions
from complaints.models import COMPLAINT, ComplaintCategory
from services.kinds import KioskFiling
from services.models import Channel, WorkOrder


@extend_schema_serializer(component_name="KioskComplaintFields")
class KioskComplaintFields(serializers.Serializer):
    category = serializers.ChoiceField(choices=(), label=_("What it is about"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The categories are data an administrator edits: read them when the kiosk asks, not at import.
        categories = ComplaintCategory.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
        self.fields["category"].choices = [
            (category.code, f"{category.parent.label} · {category.label}")
            for category in categories.order_by("parent__position", "position", "code")
        ]

    def validate_category(self, code: str) -> ComplaintCategory:
        return ComplaintCategory.objects.get(code=code)


@extend_schema_serializer(component_name="KioskFeedbackFields")
class KioskFeedbackFields(serializers.Serializer):
    """An opinion or a suggestion asks for nothing beyond the account and the description."""


def _filer(kind: str) -> Any:
    def file_at_kiosk(
        *, by: User, account: ElectricityAccount, description: str, category: ComplaintCategory | None = None
    ) -> WorkOrder:
        """File on the proven customer's account, as the web does, through the kiosk's channel."""
        filing = actions.Filing(
            kind=kind, channel=Channel.KIOSK, description=description, category=category, account=account
        )
        return actions.file_complaint(by=by, filing=filing)

    return file_at_kiosk


def kiosk_filing(kind: str, label: Any) -> KioskFiling:
    fields = KioskComplaintFields if kind == COMPLAINT else KioskFeedbackFields
    return KioskFiling(label=label, fields=fields, file=_filer(kind))
