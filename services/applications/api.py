"""Service applications' own endpoint: file one (POST /api/v1/work-orders/service-applications/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.api import MayOpenRequests, NewRequestInput, WorkOrderDetailApi, submit_request
from services.applications import actions
from services.applications.models import ServiceApplicationType


class ServiceApplicationCreateApi(APIView):
    permission_classes = [MayOpenRequests]

    @extend_schema_serializer(component_name="ServiceApplicationInput")
    class InputSerializer(NewRequestInput):
        application_type = serializers.ChoiceField(choices=ServiceApplicationType.choices)

        def validate(self, data: dict) -> dict:
            data = super().validate(data)
            if not data.get("account"):
                raise serializers.ValidationError({"account": [_("An application is made for an account.")]})
            return data

    @extend_schema(
        operation_id="work_orders_file_service_application",
        tags=["work orders"],
        summary=_("File a service application"),
        request=InputSerializer,
        responses={201: WorkOrderDetailApi.OutputSerializer, 400: OpenApiResponse(description=_("Bad input."))},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"user": request.user})
        return submit_request(request, serializer, actions.file_service_application)
