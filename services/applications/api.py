"""Service applications' own endpoint: file one (POST /api/v1/work-orders/service-applications/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from services.api import NewRequestApi, NewRequestInput
from services.applications import actions
from services.applications.models import ServiceApplicationType


class ServiceApplicationCreateApi(NewRequestApi):
    submit = staticmethod(actions.file_service_application)

    @extend_schema_serializer(component_name="ServiceApplicationInput")
    class InputSerializer(NewRequestInput):
        application_type = serializers.ChoiceField(choices=ServiceApplicationType.choices)

        def validate(self, data: dict) -> dict:
            data = super().validate(data)
            if not data.get("account"):
                raise serializers.ValidationError({"account": [_("An application is made for an account.")]})
            return data

    @NewRequestApi.describe("work_orders_file_service_application", _("File a service application"), InputSerializer)
    def post(self, request: Request) -> Response:
        return super().post(request)
