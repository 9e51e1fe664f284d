"""Fault repair's own endpoint: report a fault (POST /api/v1/work-orders/fault-reports/).

Reading, acting on and stepping through a fault's order are the backbone's endpoints (services.api).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ServiceGrid
from services.api import NewRequestApi, NewRequestInput
from services.repair import actions
from services.repair.models import FaultType


class FaultReportCreateApi(NewRequestApi):
    submit = staticmethod(actions.report_fault)

    @extend_schema_serializer(component_name="FaultReportInput")
    class InputSerializer(NewRequestInput):
        fault_type = serializers.ChoiceField(choices=FaultType.choices)
        grid = serializers.SlugRelatedField(
            slug_field="code", queryset=ServiceGrid.objects.all(), required=False, help_text=_("Staff only.")
        )
        location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

        def validate(self, data: dict) -> dict:
            data = super().validate(data)
            if not self.context["user"].is_employee and not data.get("account"):
                raise serializers.ValidationError({"account": [_("Choose one of the accounts linked to you.")]})
            return data

    @NewRequestApi.describe("work_orders_report_fault", _("Report a fault"), InputSerializer)
    def post(self, request: Request) -> Response:
        return super().post(request)
