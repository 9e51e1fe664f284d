"""New connections' and changes of use's endpoints (mounted at /api/v1/ by portal.api_urls).

- POST /api/v1/business-applications/: file one (multipart, with the documents as files);
- GET /api/v1/business-applications/<number>/: where it is: its stages, due dates, documents, what next;
- POST /api/v1/business-applications/<number>/documents/: the customer supplies what the one-time notice asked;
- GET /api/v1/business-applications/funnel/: the funnel by stage, type and department (staff);
- POST /api/v1/changes-of-use/: apply for a change of use.
The stage steps are the backbone's action endpoint (/api/v1/work-orders/<number>/actions/<action>/, e.g.
review_documents with verdict_<document> and reason_<document>), and the customer's construction steps its step
endpoint. Every POST is idempotent (Idempotency-Key) and throttled per user (services.connections.limits).
Staff file for a customer as the counter pages do: only the roles and within the scope of
services.connections.permissions (403 otherwise).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ElectricityAccount, ServiceGrid, VoltageLevel
from accounts.permissions import IsCustomer, is_customer
from services import idempotency
from services.api import (
    IDEMPOTENCY_KEY,
    KEY_REUSED,
    NUMBER_IN_PATH,
    NewRequestApi,
    NewRequestInput,
    WorkOrderDetailApi,
    invalid,
    named_choice_field,
    refused,
)
from services.connections import actions, figures, limits, progress
from services.connections.documents import CUSTOMER_DOCUMENTS
from services.connections.models import BUSINESS_APPLICATION, ChangeType, ConnectionType, Purpose
from services.connections.permissions import files_for_customers, sees_funnel
from services.models import WorkOrder

ConnectionTypeField = named_choice_field(ConnectionType.choices, "ConnectionTypeEnum")
PurposeField = named_choice_field(Purpose.choices, "ConnectionPurposeEnum")
ChangeTypeField = named_choice_field(ChangeType.choices, "ChangeOfUseTypeEnum")
VoltageField = named_choice_field([("", "—"), *VoltageLevel.choices], "NewVoltageLevelEnum")


def _document_fields() -> dict[str, serializers.FileField]:
    return {f"document_{code}": serializers.FileField(required=False) for code in CUSTOMER_DOCUMENTS}


@extend_schema_serializer(component_name="BusinessApplicationInput")
class BusinessApplicationInput(NewRequestInput):
    connection_type = ConnectionTypeField()
    purpose = PurposeField()
    capacity_kva = serializers.DecimalField(max_digits=10, decimal_places=1, min_value=1)
    applicant_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    grid = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceGrid.objects.all(), required=False, allow_null=True, default=None
    )
    is_important = serializers.BooleanField(required=False, default=False)
    is_delegated = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        return {**super().get_fields(), **_document_fields()}


def file_from_api(*, by: object, **data: object) -> WorkOrder:
    """file_business_application with the documents gathered from their fields."""
    given = {code: data.pop(f"document_{code}", None) for code in CUSTOMER_DOCUMENTS}
    data["documents_given"] = {code: upload for code, upload in given.items() if upload}
    data["description"] = data.get("description") or str(Purpose(data["purpose"]).label)
    return actions.file_business_application(by=by, **data)


class MayFile(BasePermission):
    """Customers, and the staff connections' table lets file for them (services.connections.permissions)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_customer(request.user) or files_for_customers(request.user)


class BusinessApplicationCreateApi(NewRequestApi):
    submit = staticmethod(file_from_api)
    InputSerializer = BusinessApplicationInput
    permission_classes = [MayFile]
    throttle_classes = [limits.FilingThrottle]

    @extend_schema(
        operation_id="business_applications_create",
        tags=["new connections"],
        summary=_("Apply for a new connection or a capacity increase, with the documents"),
        parameters=[IDEMPOTENCY_KEY],
        request={"multipart/form-data": BusinessApplicationInput, "application/json": BusinessApplicationInput},
        responses={
            201: WorkOrderDetailApi.OutputSerializer,
            400: OpenApiResponse(description=_("Bad input.")),
            422: KEY_REUSED,
            429: OpenApiResponse(description=_("Too many filings; try again later.")),
        },
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


@extend_schema_serializer(component_name="ChangeOfUseInput")
class ChangeOfUseInput(NewRequestInput):
    change_type = ChangeTypeField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(required=False, allow_null=True, default=None)
    new_capacity_kva = serializers.DecimalField(
        max_digits=10, decimal_places=1, required=False, allow_null=True, default=None
    )
    new_voltage_level = VoltageField(required=False, default="")
    new_tariff_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    new_holder_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    new_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    other_account = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_other_account(self, number: str) -> ElectricityAccount | None:
        return self.validate_account(number)

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        if not data.get("account"):
            raise serializers.ValidationError({"account": [_("A change of use is made for an account.")]})
        return data


class ChangeOfUseCreateApi(NewRequestApi):
    submit = staticmethod(actions.file_change_of_use)
    InputSerializer = ChangeOfUseInput
    permission_classes = [MayFile]
    throttle_classes = [limits.FilingThrottle]

    @NewRequestApi.describe("changes_of_use_create", _("Apply for a change of use"), ChangeOfUseInput)
    def post(self, request: Request) -> Response:
        return super().post(request)


# --- Reading an application --------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ConnectionStage")
class StageOutput(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=[("done", "done"), ("current", "current"), ("todo", "todo")])
    who = serializers.CharField()
    is_company = serializers.BooleanField(help_text=_("False: the customer's own time, no time limit runs."))
    limit_days = serializers.IntegerField(allow_null=True, help_text=_("Working days."))
    due_at = serializers.DateTimeField(allow_null=True)
    clock_state = serializers.CharField()


@extend_schema_serializer(component_name="ConnectionDocument")
class DocumentOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(source="get_code_display")
    is_company = serializers.BooleanField()
    verdict = serializers.CharField()
    verdict_label = serializers.CharField(source="get_verdict_display")
    reason = serializers.CharField()
    attachment = serializers.IntegerField(source="attachment_id", allow_null=True)


@extend_schema_serializer(component_name="BusinessApplication")
class ApplicationOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    connection_type = ConnectionTypeField()
    purpose = PurposeField()
    capacity_kva = serializers.DecimalField(max_digits=10, decimal_places=1)
    is_important = serializers.BooleanField()
    next_step = serializers.CharField()
    stages = StageOutput(many=True)
    documents = DocumentOutput(many=True)


def _visible_application(request: Request, number: str) -> WorkOrder:
    orders = WorkOrder.objects.visible_to(request.user).filter(kind=BUSINESS_APPLICATION)
    return get_object_or_404(orders.select_related("business_application", "assigned_to"), number=number)


def _application_data(order: WorkOrder) -> dict:
    application = order.business_application
    documents = application.documents.all()
    return {
        "number": order.number,
        "status": order.status,
        "status_label": order.get_status_display(),
        "connection_type": application.connection_type,
        "purpose": application.purpose,
        "capacity_kva": application.capacity_kva,
        "is_important": application.is_important,
        "next_step": progress.next_step(order),
        "stages": progress.stage_rows(order, application),
        "documents": documents,
    }


class BusinessApplicationDetailApi(APIView):
    @extend_schema(
        operation_id="business_applications_retrieve",
        tags=["new connections"],
        summary=_("Where an application is: its stages, who works them, due dates, documents"),
        parameters=[NUMBER_IN_PATH],
        responses={200: ApplicationOutput, 404: OpenApiResponse(description=_("No such application visible to you."))},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(ApplicationOutput(_application_data(_visible_application(request, number))).data)


@extend_schema_serializer(component_name="SupplyDocumentsInput")
class SupplyInput(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return _document_fields()


class SupplyDocumentsApi(APIView):
    permission_classes = [IsCustomer]
    throttle_classes = [limits.FilingThrottle]

    @extend_schema(
        operation_id="business_applications_supply_documents",
        tags=["new connections"],
        summary=_("Supply the documents the one-time notice asked for"),
        parameters=[NUMBER_IN_PATH, IDEMPOTENCY_KEY],
        request={"multipart/form-data": SupplyInput},
        responses={
            200: ApplicationOutput,
            400: OpenApiResponse(description=_("Bad input.")),
            404: OpenApiResponse(description=_("No such application of yours.")),
            409: OpenApiResponse(description=_("The application is not waiting for documents.")),
            422: KEY_REUSED,
        },
    )
    @idempotency.idempotent
    def post(self, request: Request, number: str) -> Response:
        order = _visible_application(request, number)
        serializer = SupplyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        files = {name.removeprefix("document_"): upload for name, upload in serializer.validated_data.items() if upload}
        with transaction.atomic():
            try:
                actions.supply_documents(order, by=request.user, files=files)
            except actions.StageRefused as refusal:
                raise refused(refusal) from refusal
            except ValidationError as error:
                raise invalid(error) from error
        return Response(ApplicationOutput(_application_data(_visible_application(request, number))).data)


class SeesFunnel(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return sees_funnel(request.user)


@extend_schema_serializer(component_name="ConnectionFunnelRow")
class FunnelOutput(serializers.Serializer):
    connection_type = ConnectionTypeField()
    type_label = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    department = serializers.CharField()
    open_now = serializers.IntegerField()
    passed = serializers.IntegerField()
    breached = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)


class FunnelApi(APIView):
    permission_classes = [SeesFunnel]

    @extend_schema(
        operation_id="business_applications_funnel",
        tags=["new connections"],
        summary=_("Applications by stage over the last year: now, passed, median days, breaches"),
        responses={200: FunnelOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        until = timezone.now()
        rows = figures.funnel(since=until - timedelta(days=365), until=until)
        return Response(FunnelOutput(rows, many=True).data)
