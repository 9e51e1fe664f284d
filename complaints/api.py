"""The complaints' endpoints under /api/v1/complaints/: file, list (the handler's queue or a customer's own),
read one, take a step of the loop, and the intake history, with the pages' visibility and rules.

Filing validates with the pages' own forms (complaints.forms), so a rule holds on both; it is idempotent
(Idempotency-Key) and throttled per customer (429). A step is the backbone's action (services.api), limited to
this app's kinds: 403 for a role that may not take it, 409 for a move the loop refuses. Who filed a report of
misconduct appears only for complaint handlers and managers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ElectricityAccount
from complaints import actions, permissions, queries
from complaints.forms import KIND_CHOICES, CustomerFilingForm, StaffFilingForm
from complaints.models import FEEDBACK_KINDS, Complaint, ComplaintStatus, MajorReason
from services import idempotency
from services.api import (
    IDEMPOTENCY_KEY,
    KEY_REUSED,
    NUMBER_IN_PATH,
    REFUSED,
    CappedPagination,
    StaffChannelField,
    WorkOrderActionApi,
    WorkOrderDetailApi,
    invalid,
    named_choice_field,
)
from services.forms import action_names
from services.models import Channel, WorkOrder

QUEUE_STATUSES = ["new", "assigned", *ComplaintStatus.values]
ComplaintKindField = named_choice_field(KIND_CHOICES, "ComplaintKindEnum")
FILING_LIMITED = OpenApiResponse(description=_("Too many filings today: try again after Retry-After seconds."))


@extend_schema_serializer(component_name="ComplaintReporter")
class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    account_number = serializers.CharField()


@extend_schema_serializer(component_name="Complaint")
class ComplaintSerializer(serializers.Serializer):
    """A complaint (or report, opinion, suggestion, praise) with its loop's record as far as it has come."""

    number = serializers.CharField(source="order.number")
    kind = ComplaintKindField(source="order.kind")
    kind_label = serializers.CharField(source="order.get_kind_display")
    status = serializers.CharField(source="order.status")
    status_label = serializers.CharField(source="order.get_status_display")
    channel = serializers.CharField(source="order.channel")
    category = serializers.CharField(source="category.code", allow_null=True, default=None)
    category_label = serializers.CharField(source="category.label", allow_null=True, default=None)
    received_at = serializers.DateTimeField()
    is_major = serializers.BooleanField()
    major_reason = serializers.CharField()
    is_repeat = serializers.BooleanField()
    reopen_count = serializers.IntegerField()
    is_company_fault = serializers.BooleanField(allow_null=True)
    reply = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    next_due_at = serializers.DateTimeField(allow_null=True, default=None, required=False)
    is_overdue = serializers.BooleanField(default=False, required=False)
    reporter = serializers.SerializerMethodField(help_text=_("Reports of misconduct, for complaint handlers only."))

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, complaint: Complaint) -> dict | None:
        user = self.context["request"].user
        if not (complaint.is_confidential and permissions.may_see_reporter(user)):
            return None
        reporter = getattr(complaint, "reporter", None)
        return ReporterSerializer(reporter).data if reporter is not None else None


@extend_schema_serializer(component_name="ComplaintInput")
class FilingInput(serializers.Serializer):
    """The pages' filing fields; staff add the channel, when it received it, and the contact."""

    kind = ComplaintKindField()
    description = serializers.CharField(max_length=2000)
    category = serializers.CharField(required=False, allow_blank=True, help_text=_("A category or sub-category code."))
    account = serializers.CharField(required=False, allow_blank=True, help_text=_("The 10-digit account number."))
    about_order = serializers.CharField(required=False, allow_blank=True, help_text=_("Customers: an order of theirs."))
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    credited_department = serializers.IntegerField(required=False, help_text=_("Praise: the department's id."))
    credited_employee = serializers.CharField(required=False, allow_blank=True, help_text=_("Praise: staff number."))
    channel = StaffChannelField(required=False, help_text=_("Staff only."))
    received_at = serializers.DateTimeField(required=False, help_text=_("Staff only: when the channel received it."))
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Staff only."))
    is_major = serializers.BooleanField(required=False, default=False, help_text=_("Staff only."))
    major_reason = serializers.ChoiceField(choices=MajorReason.choices, required=False, help_text=_("Staff only."))


class MayFile(IsAuthenticated):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return user.is_authenticated and (user.is_customer or permissions.may_enter(user))


def _form_for(request: Request) -> CustomerFilingForm | StaffFilingForm:
    data = {key: value for key, value in request.data.items() if not isinstance(value, (dict, list))}
    if "received_at" in data:
        data["received_at"] = str(data["received_at"]).replace("Z", "+00:00")
    if not data.get("is_major"):
        data.pop("is_major", None)
    if request.user.is_customer:
        return CustomerFilingForm(data, user=request.user)
    return StaffFilingForm(data)


class ComplaintListApi(ListAPIView):
    """Complaint handlers and managers: their queue (major first). Customers: what they filed. Others: 403."""

    serializer_class = ComplaintSerializer
    pagination_class = CappedPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> object:
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        if user.is_customer:
            return queries.customer_complaints(user)
        if not permissions.is_handler(user):
            raise exceptions.PermissionDenied(_("Only complaint handlers and managers."))
        kind = self.request.query_params.get("kind", "")
        status = self.request.query_params.get("status", "")
        if kind and kind not in FEEDBACK_KINDS:
            raise exceptions.ValidationError({"kind": [_("Not a kind of complaint.")]})
        if status and status not in QUEUE_STATUSES:
            raise exceptions.ValidationError({"status": [_("Not a step of the loop.")]})
        major = self.request.query_params.get("major") == "1"
        return queries.handler_queue(user, timezone.now(), kind=kind, status=status, major=major)

    @extend_schema(
        operation_id="complaints_list",
        tags=["complaints"],
        summary=_("The complaint queue, or your own complaints"),
        parameters=[
            OpenApiParameter("kind", str, enum=list(FEEDBACK_KINDS), required=False),
            OpenApiParameter("status", str, enum=QUEUE_STATUSES, required=False),
            OpenApiParameter("major", str, enum=["1"], required=False),
        ],
        responses={
            200: ComplaintSerializer(many=True),
            400: OpenApiResponse(description=_("An unknown kind or step.")),
            403: OpenApiResponse(description=_("Only customers, complaint handlers and managers.")),
            404: OpenApiResponse(description=_("No such page.")),
        },
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="complaints_file",
        tags=["complaints"],
        summary=_("File a complaint, report, opinion, suggestion or praise"),
        parameters=[IDEMPOTENCY_KEY],
        request=FilingInput,
        responses={
            201: ComplaintSerializer,
            400: OpenApiResponse(description=_("Bad input.")),
            403: OpenApiResponse(description=_("Only customers and the staff who take complaints.")),
            422: KEY_REUSED,
            429: FILING_LIMITED,
        },
    )
    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        if not MayFile().has_permission(request, self):
            raise exceptions.PermissionDenied
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"kind": [_("Send the filing's fields.")]})
        form = _form_for(request)
        if not form.is_valid():
            raise exceptions.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        channel = Channel.WEB if request.user.is_customer else form.cleaned_data["channel"]
        with transaction.atomic():
            try:
                order = actions.file_complaint(by=request.user, filing=form.filing(channel))
            except actions.FilingLimited as limited:
                raise exceptions.Throttled(limited.retry_after(timezone.now()), detail=limited.message) from limited
            except ValidationError as error:
                raise invalid(error) from error
            complaint = _visible(request, order.number)
            return Response(ComplaintSerializer(complaint, context={"request": request}).data, status=201)


def _visible(request: Request, number: str) -> Complaint:
    """A complaint the user may see: staff any; a customer their own and their confidential reports. Else 404."""
    user = request.user
    complaints = Complaint.objects.select_related("order", "category", "reporter").filter(
        order__kind__in=FEEDBACK_KINDS
    )
    if not user.is_employee:
        complaints = queries.customer_complaints(user).select_related("reporter")
    return get_object_or_404(complaints, order__number=number)


class ComplaintDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="complaints_retrieve",
        tags=["complaints"],
        summary=_("One complaint with its loop's record"),
        parameters=[NUMBER_IN_PATH],
        responses={
            200: ComplaintSerializer,
            400: OpenApiResponse(description=_("Bad input.")),
            403: OpenApiResponse(description=_("Sign in first.")),
            404: OpenApiResponse(description=_("No such complaint visible to you.")),
        },
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(ComplaintSerializer(_visible(request, number), context={"request": request}).data)


class ComplaintActionApi(WorkOrderActionApi):
    """A step of the loop on a complaint: the backbone's action endpoint, for this app's kinds only."""

    @extend_schema(
        operation_id="complaints_act",
        tags=["complaints"],
        summary=_("Take a step of the complaint loop"),
        description=_(
            "Steps: contact, investigate, analyse, rectify, verify, send_back, answer, assess, close_complaint, "
            "mark_major, and the backbone's (assign, transfer, comment, and phone_visit: the return visit of an "
            "answered complaint, which reopens it when the rating is below 4)."
        ),
        parameters=[
            NUMBER_IN_PATH,
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=action_names()),
            IDEMPOTENCY_KEY,
        ],
        request=WorkOrderActionApi.InputSerializer,
        responses={
            200: WorkOrderDetailApi.OutputSerializer,
            400: OpenApiResponse(description=_("Bad input for the step.")),
            403: OpenApiResponse(description=_("Your role may not take this step.")),
            404: OpenApiResponse(description=_("No such complaint or step.")),
            409: REFUSED,
            422: KEY_REUSED,
        },
    )
    def post(self, request: Request, number: str, action: str) -> Response:
        get_object_or_404(WorkOrder.objects.filter(kind__in=FEEDBACK_KINDS), number=number)
        return super().post(request, number, action)


@extend_schema_serializer(component_name="ComplaintHistoryItem")
class HistorySerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    opened_at = serializers.DateTimeField()
    category = serializers.SerializerMethodField()
    is_repeat = serializers.SerializerMethodField()

    def get_category(self, order: WorkOrder) -> str | None:
        complaint = getattr(order, "complaint", None)
        return complaint.category.code if complaint is not None and complaint.category_id else None

    def get_is_repeat(self, order: WorkOrder) -> bool:
        complaint = getattr(order, "complaint", None)
        return bool(complaint and complaint.is_repeat)


class ComplaintHistoryApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="complaints_history",
        tags=["complaints"],
        summary=_("An account's and its holder's requests of the last 90 days (intake)"),
        parameters=[OpenApiParameter("account", str, required=True, description=_("The 10-digit account number."))],
        responses={
            200: HistorySerializer(many=True),
            400: OpenApiResponse(description=_("Give a 10-digit account number.")),
            403: OpenApiResponse(description=_("Complaint handlers and managers only.")),
            404: OpenApiResponse(description=_("No such account.")),
        },
    )
    def get(self, request: Request) -> Response:
        if not permissions.is_handler(request.user):
            raise exceptions.PermissionDenied
        number = str(request.query_params.get("account", ""))
        if not (len(number) == 10 and number.isdigit()):
            raise exceptions.ValidationError({"account": [_("Give a 10-digit account number.")]})
        account = get_object_or_404(ElectricityAccount.objects.select_related("customer"), number=number)
        return Response(HistorySerializer(queries.history(account, timezone.now()), many=True).data)
