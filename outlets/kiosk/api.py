"""The kiosk API under /api/v1/kiosk/: what a self-service kiosk calls (docs/kiosk-guide.md).

Every view authenticates the kiosk (outlets.kiosk.auth), is throttled per kiosk, and is logged with its kiosk,
outlet, endpoint and status (KioskApi.finalize_response; never a body). Customer endpoints need the session a
proof opened, and see only that customer's accounts and orders. Every POST that opens something takes an
Idempotency-Key (outlets.kiosk.idempotency). Writes call the same actions as the web, with the kiosk's channel
and its actor as `by`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import connection
from django.db.models import Q
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.consumption import recent_consumption
from accounts.models import AccountStatus, ElectricityAccount
from outlets import actions as queue_actions
from outlets.kiosk import actions
from outlets.kiosk.auth import (
    SESSION_HEADER,
    HasCustomerSession,
    IsKiosk,
    KioskAuthentication,
    KioskRateThrottle,
    session_of,
)
from outlets.kiosk.idempotency import kiosk_idempotent
from outlets.kiosk.outages import outage_notices
from outlets.kiosk.receipts import receipt_for_order, receipt_for_ticket
from outlets.models import Appointment, DeviceHealth, KioskRequest, QueueService, TicketSource
from services import idempotency, kinds
from services.api import invalid
from services.models import WorkOrder
from services.notices.models import OutageNotice

logger = logging.getLogger(__name__)

TAG = ["kiosk"]
SESSION = OpenApiParameter(
    SESSION_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=_("The customer's session token from POST /api/v1/kiosk/sessions/."),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "A key the kiosk makes for each tap (1–100 printable characters): a retry with the same key gets the "
        "first answer again and changes nothing."
    ),
)
KEY_REUSED = OpenApiResponse(description=_("The Idempotency-Key was used for a different request."))
REFUSED = OpenApiResponse(description=_("Not possible now (the outlet is closed, the appointment's time…)."))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This is not possible now.")
    default_code = "conflict"


class KioskApi(APIView):
    """A kiosk's endpoint: device authentication, a customer's session, the per-kiosk rate, the request log."""

    authentication_classes = [KioskAuthentication]
    permission_classes = [HasCustomerSession]
    throttle_classes = [KioskRateThrottle]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        request.kiosk_started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        _log(request, response)
        return response


def _log(request: Request, response: HttpResponseBase) -> None:
    """One row per request: kiosk, outlet, endpoint (the URL's name), status, customer, time. Never the body."""
    kiosk = request.auth if hasattr(request.auth, "outlet_id") else None
    session = getattr(request, "kiosk_session", None)
    started = getattr(request, "kiosk_started", time.monotonic())
    endpoint = request.resolver_match.url_name if request.resolver_match else ""
    row = KioskRequest(
        kiosk=kiosk,
        outlet_id=kiosk.outlet_id if kiosk else None,
        method=request.method,
        endpoint=endpoint[:60],
        status_code=response.status_code,
        customer_id=session.customer_id if session else None,
        duration_ms=int((time.monotonic() - started) * 1000),
        at=timezone.now(),
    )
    if connection.vendor == "postgresql" and connection.get_autocommit():
        _insert_relaxed(row)
    else:
        # Inside a transaction (or on SQLite) the row is that transaction's: relaxing its commit would relax the
        # work it holds too.
        row.save(force_insert=True)
    logger.info("kiosk=%s endpoint=%s status=%s", kiosk.key_id if kiosk else "-", endpoint, response.status_code)


def _insert_relaxed(row: KioskRequest) -> None:
    """Insert the log row in one statement, committed without waiting for the WAL flush.

    A log row need not wait for the disk: a crash may lose the last few, never the work they describe (committed
    before). Waiting for the flush doubled a kiosk read's time, and a transaction of its own (BEGIN, SET LOCAL,
    INSERT, COMMIT) cost four round trips where every other query of a read is one (bench/README.md). In
    autocommit the statement is its own transaction, so set_config(..., is_local => true) relaxes this commit
    and nothing else.
    """
    fields = [field for field in KioskRequest._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    params = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(KioskRequest._meta.db_table)} ({columns}) SELECT {values} "
            "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed",
            params,
        )


class KioskPagination(PageNumberPagination):
    """Ten a page. A customer's accounts, outages and orders almost always fit on the first page: it is read with
    one row more than a page, and the rows are counted only when that row is there."""

    page_size = 10

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> list | None:
        if request.query_params.get(self.page_query_param, "1") != "1":
            return super().paginate_queryset(queryset, request, view)
        rows = list(queryset[: self.page_size + 1])
        paginator = self.django_paginator_class(rows, self.page_size)
        if len(rows) > self.page_size:
            paginator.count = queryset.count()
        self.request = request
        self.page = Page(rows[: self.page_size], 1, paginator)
        return list(self.page)


# --- The device -------------------------------------------------------------------------------------------


class HeartbeatApi(KioskApi):
    permission_classes = [IsKiosk]

    @extend_schema_serializer(component_name="KioskHeartbeat")
    class InputSerializer(serializers.Serializer):
        printer = serializers.ChoiceField(choices=DeviceHealth.choices)
        paper = serializers.ChoiceField(choices=DeviceHealth.choices)
        card_reader = serializers.ChoiceField(choices=DeviceHealth.choices)
        software_version = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="kiosk_heartbeat",
        tags=TAG,
        summary=_("Report that the kiosk is alive, and its devices' health (every minute)"),
        description=_("Naturally idempotent (it overwrites the kiosk's state): no Idempotency-Key needed."),
        request=InputSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.record_heartbeat(request.auth, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The customer's proof and session ---------------------------------------------------------------------


class AccountOutput(serializers.Serializer):
    number = serializers.CharField()
    address = serializers.CharField()
    grid = serializers.CharField(source="grid.name")
    customer_class = serializers.CharField(source="get_customer_class_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    tariff_code = serializers.CharField()


class SessionStartApi(KioskApi):
    permission_classes = [IsKiosk]

    @extend_schema_serializer(component_name="KioskProof")
    class InputSerializer(serializers.Serializer):
        account = serializers.RegexField(r"^\d{10}$", required=False, help_text=_("The 10-digit account number."))
        id_tail = serializers.RegexField(
            r"^[0-9A-Za-z]{6}$", required=False, help_text=_("The last six characters of the identity number.")
        )
        id_number = serializers.RegexField(
            r"^[0-9A-Za-z]{18}$", required=False, help_text=_("The whole identity number, read by the card reader.")
        )

        def validate(self, data: dict) -> dict:
            if data.get("id_number") and not (data.get("account") or data.get("id_tail")):
                return data
            if data.get("account") and data.get("id_tail") and not data.get("id_number"):
                return data
            raise serializers.ValidationError(
                _("Give the account number and the identity number's last six, or the card's identity number.")
            )

    @extend_schema_serializer(component_name="KioskSession")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text=_("Send it as X-Kiosk-Session; shown once."))
        expires_at = serializers.DateTimeField()
        customer_name = serializers.CharField()
        accounts = AccountOutput(many=True)

    @extend_schema(
        operation_id="kiosk_session_start",
        tags=TAG,
        summary=_("Identify the customer and open their session at this kiosk"),
        description=_(
            "Not replayed by Idempotency-Key (the token is never stored): a retry opens another session and the "
            "lost one expires within minutes. Wrong proofs are throttled per kiosk and per account (429)."
        ),
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description=_("The proof does not match our records, or is incomplete.")),
            429: OpenApiResponse(description=_("Too many wrong proofs at this kiosk or for this account.")),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            session, token = actions.start_session(
                request.auth,
                account_number=data.get("account", ""),
                id_tail=data.get("id_tail", ""),
                id_number=data.get("id_number", ""),
            )
        except actions.ProofRefused as refusal:
            if refusal.throttled:
                raise exceptions.Throttled(detail=refusal.message) from refusal
            raise exceptions.ValidationError({"non_field_errors": [refusal.message]}) from refusal
        request.kiosk_session = session
        accounts = _accounts_of(session.customer_id)[:50]
        output = {
            "token": token,
            "expires_at": session.expires_at,
            "customer_name": _masked_name(session.customer.name),
            "accounts": accounts,
        }
        return Response(self.OutputSerializer(output).data, status=status.HTTP_201_CREATED)


def _masked_name(name: str) -> str:
    """The customer's name as a hall's screen may show it to passers-by: 张*明, 台州**有限公司 stays readable."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _accounts_of(customer_id: int):
    return (
        ElectricityAccount.objects.filter(customer_id=customer_id)
        .exclude(status=AccountStatus.CLOSED)
        .select_related("grid")
        .order_by("number")
    )


class SessionEndApi(KioskApi):
    @extend_schema(
        operation_id="kiosk_session_end",
        tags=TAG,
        summary=_("End the customer's session (logout)"),
        parameters=[SESSION],
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        actions.end_session(session_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- What the customer reads ------------------------------------------------------------------------------


class AccountListApi(KioskApi, ListAPIView):
    queryset = ElectricityAccount.objects.none()  # the schema's model; get_queryset gives the customer's
    serializer_class = AccountOutput
    pagination_class = KioskPagination

    def get_queryset(self):
        return _accounts_of(session_of(self.request).customer_id)

    @extend_schema(operation_id="kiosk_accounts", tags=TAG, summary=_("The customer's accounts"), parameters=[SESSION])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class UsageApi(KioskApi):
    @extend_schema_serializer(component_name="KioskUsage")
    class OutputSerializer(serializers.Serializer):
        class Month(serializers.Serializer):
            period = serializers.DateField(format="%Y-%m")
            total_kwh = serializers.DecimalField(max_digits=12, decimal_places=2)
            peak_kwh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
            valley_kwh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)

        account = AccountOutput()
        months = Month(many=True)
        total_kwh = serializers.DecimalField(max_digits=14, decimal_places=2)
        average_kwh = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)

    @extend_schema(
        operation_id="kiosk_account_usage",
        tags=TAG,
        summary=_("An account's details and its last 12 months of usage"),
        parameters=[SESSION, OpenApiParameter("number", str, OpenApiParameter.PATH)],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request, number: str) -> Response:
        account = get_object_or_404(_accounts_of(session_of(request).customer_id), number=number)
        usage = recent_consumption([account])[account.pk]
        output = {
            "account": account,
            "months": usage.readings,
            "total_kwh": usage.total_kwh,
            "average_kwh": usage.average_kwh,
        }
        return Response(self.OutputSerializer(output).data)


class OutageListApi(KioskApi, ListAPIView):
    queryset = OutageNotice.objects.none()
    pagination_class = KioskPagination

    @extend_schema_serializer(component_name="KioskOutage")
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField(source="get_kind_display")
        is_live = serializers.BooleanField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        reason = serializers.CharField()
        area = serializers.CharField()

    serializer_class = OutputSerializer

    def get_queryset(self):
        grids = _accounts_of(session_of(self.request).customer_id).values_list("grid_id", flat=True)
        return outage_notices(grids)

    @extend_schema(
        operation_id="kiosk_outages",
        tags=TAG,
        summary=_("Outages, live or coming, on the 台区 of the customer's accounts"),
        parameters=[SESSION],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class OrderOutput(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    channel = serializers.CharField()
    account = serializers.CharField(source="account.number", allow_null=True, default=None)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_kind_label(self, order: WorkOrder) -> str:
        return kinds.kind_label(order.kind)

    def get_status_label(self, order: WorkOrder) -> str:
        return kinds.status_label(order.status)


class OrderListApi(KioskApi, ListAPIView):
    queryset = WorkOrder.objects.none()
    serializer_class = OrderOutput
    pagination_class = KioskPagination

    def get_queryset(self):
        customer_id = session_of(self.request).customer_id
        return WorkOrder.objects.filter(customer_id=customer_id).select_related("account").order_by("-opened_at")

    @extend_schema(
        operation_id="kiosk_orders",
        tags=TAG,
        summary=_("The progress of the customer's requests, latest first"),
        parameters=[SESSION],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- What the customer does -------------------------------------------------------------------------------


class ReceiptOutput(serializers.Serializer):
    class Line(serializers.Serializer):
        label = serializers.CharField()
        value = serializers.CharField()

    title = serializers.CharField()
    lines = Line(many=True)
    qr = serializers.CharField(help_text=_("The text of the QR code to print (the request's progress page), or empty."))
    print_url = serializers.URLField(help_text=_("A printable page of this receipt, valid for an hour."))


class FilingKindListApi(KioskApi):
    @extend_schema_serializer(component_name="KioskFilingKind")
    class OutputSerializer(serializers.Serializer):
        class Field(serializers.Serializer):
            name = serializers.CharField()
            label = serializers.CharField()
            choices = serializers.DictField(child=serializers.CharField())

        code = serializers.CharField()
        label = serializers.CharField()
        fields = Field(many=True)

    @extend_schema(
        operation_id="kiosk_filing_kinds",
        tags=TAG,
        summary=_("The kinds of request a customer can file at a kiosk, with the fields each asks for"),
        parameters=[SESSION],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        output = [
            {"code": code, "label": kind.kiosk.label, "fields": _fields_of(kind.kiosk.fields())}
            for code, kind in kinds.kiosk_kinds().items()
        ]
        return Response(self.OutputSerializer(output, many=True).data)


def _fields_of(serializer: serializers.Serializer) -> list[dict]:
    return [
        {
            "name": name,
            "label": str(field.label or name),
            "choices": {str(key): str(value) for key, value in getattr(field, "choices", {}).items()},
        }
        for name, field in serializer.fields.items()
    ]


class FileRequestApi(KioskApi):
    @extend_schema_serializer(component_name="KioskFiling")
    class InputSerializer(serializers.Serializer):
        account = serializers.RegexField(r"^\d{10}$", help_text=_("One of the customer's account numbers."))
        description = serializers.CharField(max_length=2000)
        fields = serializers.DictField(
            required=False, default=dict, help_text=_("The kind's own fields, as GET filings/ lists them.")
        )

    @extend_schema_serializer(component_name="KioskFiled")
    class OutputSerializer(serializers.Serializer):
        order = OrderOutput()
        receipt = ReceiptOutput()

    @extend_schema(
        operation_id="kiosk_file_request",
        tags=TAG,
        summary=_("File a request of a kind (a fault report, a service application…) for the customer"),
        parameters=[SESSION, IDEMPOTENCY_KEY, OpenApiParameter("kind", str, OpenApiParameter.PATH)],
        request=InputSerializer,
        responses={201: OutputSerializer, 422: KEY_REUSED},
    )
    @kiosk_idempotent
    def post(self, request: Request, kind: str) -> Response:
        registered = kinds.kiosk_kinds().get(kind)
        if registered is None:
            raise exceptions.NotFound
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = registered.kiosk.fields(data=serializer.validated_data["fields"])
        if not fields.is_valid():
            raise exceptions.ValidationError({"fields": fields.errors})
        session = session_of(request)
        # With what the kinds' actions read of it: the 台区's department (routing) and the holder's login (told).
        accounts = _accounts_of(session.customer_id).select_related("grid__department", "linked_user")
        account = accounts.filter(number=serializer.validated_data["account"]).first()
        if account is None:
            raise exceptions.ValidationError({"account": [_("Choose one of your accounts.")]})
        account.customer = session.customer  # read with the session; the kind's action may need the holder
        # kiosk_idempotent's transaction holds the order, its key and the receipt: no savepoint of our own.
        try:
            order = registered.kiosk.file(
                by=request.user,
                account=account,
                description=serializer.validated_data["description"],
                **fields.validated_data,
            )
        except ValidationError as error:
            raise invalid(error) from error
        output = {"order": order, "receipt": receipt_for_order(order, request.auth, request)}
        return Response(self.OutputSerializer(output).data, status=status.HTTP_201_CREATED)


class TicketOutput(serializers.Serializer):
    code = serializers.CharField()
    service = serializers.CharField(source="service.name")
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()


class TicketIssued(serializers.Serializer):
    ticket = TicketOutput()
    receipt = ReceiptOutput()


def _ticket_answer(ticket: Any, request: Request) -> Response:
    output = {"ticket": ticket, "receipt": receipt_for_ticket(ticket, request.auth, request)}
    return Response(TicketIssued(output).data, status=status.HTTP_201_CREATED)


def _queue_refused(error: Exception) -> exceptions.APIException:
    if isinstance(error, queue_actions.TicketLimit):
        return exceptions.Throttled(wait=error.retry_after(timezone.now()), detail=error.message)
    return Conflict(detail=error.message)


class TicketIssueApi(KioskApi):
    @extend_schema_serializer(component_name="KioskTicketRequest")
    class InputSerializer(serializers.Serializer):
        service = serializers.SlugField(max_length=30, help_text=_("The queue service's code."))
        account = serializers.RegexField(r"^\d{10}$", required=False, help_text=_("The account it is about."))

    @extend_schema(
        operation_id="kiosk_issue_ticket",
        tags=TAG,
        summary=_("Issue a queue ticket at this kiosk's outlet for the customer"),
        parameters=[SESSION, IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={201: TicketIssued, 409: REFUSED, 422: KEY_REUSED},
    )
    @kiosk_idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = session_of(request)
        service = QueueService.objects.filter(code=serializer.validated_data["service"], is_active=True).first()
        if service is None:
            raise exceptions.ValidationError({"service": [_("No such service here.")]})
        account = None
        if serializer.validated_data.get("account"):
            account = _accounts_of(session.customer_id).filter(number=serializer.validated_data["account"]).first()
            if account is None:
                raise exceptions.ValidationError({"account": [_("Choose one of your accounts.")]})
        # kiosk_idempotent's transaction holds the ticket, its key and the receipt: no savepoint of our own.
        try:
            ticket = queue_actions.issue_ticket(
                request.auth.outlet,
                service,
                by=request.user,
                source=TicketSource.KIOSK,
                customer=session.customer,
                account=account,
            )
        except queue_actions.QueueRefused as refusal:
            raise _queue_refused(refusal) from refusal
        except queue_actions.TicketLimit as limit:
            raise _queue_refused(limit) from limit
        return _ticket_answer(ticket, request)


class CheckInApi(KioskApi):
    @extend_schema(
        operation_id="kiosk_check_in",
        tags=TAG,
        summary=_("Check in the customer's appointment at this outlet: its ticket is called at the slot's time"),
        parameters=[SESSION, IDEMPOTENCY_KEY, OpenApiParameter("reference", str, OpenApiParameter.PATH)],
        request=None,
        responses={201: TicketIssued, 409: REFUSED, 422: KEY_REUSED},
    )
    @kiosk_idempotent
    def post(self, request: Request, reference: str) -> Response:
        customer_id = session_of(request).customer_id
        appointment = get_object_or_404(
            Appointment.objects.select_related("slot").filter(
                Q(customer_id=customer_id) | Q(account__customer_id=customer_id)
            ),
            reference=reference,
            slot__outlet_id=request.auth.outlet_id,
        )
        try:
            ticket = queue_actions.check_in_appointment(appointment, by=request.user)
        except queue_actions.QueueRefused as refusal:
            raise _queue_refused(refusal) from refusal
        return _ticket_answer(ticket, request)
