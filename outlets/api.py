"""The outlets' JSON API under /api/v1/outlets/: the finder and the hall board (public), a customer's remote
tickets, the counter's moves, and the queue statistics for the dashboards.

Writes call outlets.actions, as the pages do. Who may: outlets.permissions. A refused move is 409 with its
message, a customer over their daily allowance 429, a counter or ticket outside the caller's scope 404.
Every POST takes an Idempotency-Key (services.idempotency).
"""

from __future__ import annotations

from collections.abc import Callable

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
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets import actions, board, finder, permissions, queue, statistics
from outlets.forms import FinishForm
from outlets.models import Counter, Outlet, OutletKind, QueueService, Ticket, TicketSource, TicketStatus
from outlets.permissions import READ_STATISTICS, TAKE_TICKET, WORK_COUNTER, only
from services import idempotency
from services.api import IDEMPOTENCY_KEY, KEY_REUSED, Conflict, named_choice_field

TAGS = ["outlets"]
REFUSED = OpenApiResponse(description=_("The queue does not allow this now; nothing changed."))
TicketStatusField = named_choice_field(TicketStatus.choices, "TicketStatusEnum")
TicketSourceField = named_choice_field(TicketSource.choices, "TicketSourceEnum")
OutletKindField = named_choice_field(OutletKind.choices, "OutletKindEnum")


def _refused(refusal: actions.QueueRefused) -> Conflict:
    return Conflict(detail=refusal.message)


def _run(step: Callable[[], object]) -> object:
    try:
        return step()
    except actions.TicketLimit as limit:
        raise exceptions.Throttled(limit.retry_after(timezone.now()), detail=limit.message) from limit
    except actions.QueueRefused as refusal:
        raise _refused(refusal) from refusal


# --- Public --------------------------------------------------------------------------------------------


class FinderApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="FoundOutlet")
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField(source="outlet.code")
        name = serializers.CharField(source="outlet.name")
        kind = OutletKindField(source="outlet.kind")
        district = serializers.CharField(source="outlet.district")
        address = serializers.CharField(source="outlet.address")
        latitude = serializers.DecimalField(source="outlet.latitude", max_digits=9, decimal_places=6)
        longitude = serializers.DecimalField(source="outlet.longitude", max_digits=9, decimal_places=6)
        distance_km = serializers.FloatField(allow_null=True)
        is_open = serializers.BooleanField()
        hours_today = serializers.SerializerMethodField()
        waiting = serializers.IntegerField()
        wait_minutes = serializers.IntegerField(help_text=_("About how long a ticket taken now waits."))

        def get_hours_today(self, found: finder.FoundOutlet) -> list[str]:
            return [f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in found.periods]

    @extend_schema(
        operation_id="outlets_find",
        tags=TAGS,
        summary=_("Find outlets, nearest first"),
        description=_(
            "From the typed area (a district, street, town, community or 台区 code of the city), else from the "
            "signed-in customer's 台区; without either, by code. At most 20."
        ),
        parameters=[
            OpenApiParameter("q", str, description=_("An area of the city."), required=False),
            OpenApiParameter("kind", str, enum=OutletKind.values, required=False),
        ],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")[:50]
        kind = request.query_params.get("kind", "")
        kind = kind if kind in OutletKind.values else ""
        place = finder.place_of_text(query) if query else finder.place_of_user(request.user)
        return Response(self.OutputSerializer(finder.find(place, kind=kind), many=True).data)


@extend_schema_serializer(component_name="BoardCall")
class CallSerializer(serializers.Serializer):
    ticket = serializers.CharField(source="code")
    counter = serializers.CharField(source="counter.__str__", allow_null=True, default=None)
    service = serializers.CharField(source="service.name")
    status = TicketStatusField()
    announced_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ServiceWait")
class WaitSerializer(serializers.Serializer):
    service = serializers.CharField(source="service.code")
    prefix = serializers.CharField(source="service.prefix")
    name = serializers.CharField(source="service.name")
    waiting = serializers.IntegerField()
    minutes = serializers.IntegerField(help_text=_("Estimated wait for a ticket taken now."))


class BoardApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="Board")
    class OutputSerializer(serializers.Serializer):
        calls = CallSerializer(many=True)
        waits = WaitSerializer(many=True)
        latest = serializers.CharField(help_text=_("Changes with every call or recall."))

    @extend_schema(
        operation_id="outlets_board",
        tags=TAGS,
        summary=_("An outlet's hall board: the numbers called and the waits"),
        responses={200: OutputSerializer, 404: OpenApiResponse(description=_("No such outlet."))},
    )
    def get(self, request: Request, code: str) -> Response:
        outlet = get_object_or_404(Outlet.objects.active(), code=code)
        return Response(self.OutputSerializer(board.state(outlet)).data)


# --- Customers' tickets ------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Ticket")
class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    outlet = serializers.CharField(source="outlet.code")
    service = serializers.CharField(source="service.code")
    day = serializers.DateField()
    source = TicketSourceField()
    status = TicketStatusField()
    status_label = serializers.CharField(source="get_status_display")
    counter = serializers.CharField(source="counter.__str__", allow_null=True, default=None)
    issued_at = serializers.DateTimeField()
    queued_at = serializers.DateTimeField(allow_null=True)
    called_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class TicketPagination(PageNumberPagination):
    page_size = 25


class MyTicketsApi(ListAPIView):
    permission_classes = [only(TAKE_TICKET)]
    serializer_class = TicketSerializer
    pagination_class = TicketPagination
    queryset = Ticket.objects.none()  # for the schema

    def get_queryset(self):
        mine = Ticket.objects.filter(issued_by=self.request.user)
        return mine.select_related("outlet", "service", "counter").order_by("-issued_at", "-pk")

    @extend_schema(operation_id="outlets_my_tickets", tags=TAGS, summary=_("Your tickets, newest first"))
    def get(self, request: Request) -> Response:
        return super().get(request)


class TakeTicketApi(APIView):
    permission_classes = [only(TAKE_TICKET)]

    @extend_schema_serializer(component_name="TakeTicketInput")
    class InputSerializer(serializers.Serializer):
        service = serializers.SlugRelatedField(slug_field="code", queryset=QueueService.objects.filter(is_active=True))

    @extend_schema(
        operation_id="outlets_take_ticket",
        tags=TAGS,
        summary=_("Take a remote ticket for today"),
        description=_("The ticket joins the queue when you check in at the outlet's kiosk or a counter."),
        parameters=[IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={
            201: TicketSerializer,
            400: OpenApiResponse(description=_("Bad input.")),
            403: OpenApiResponse(description=_("Only customers.")),
            404: OpenApiResponse(description=_("No such outlet.")),
            409: REFUSED,
            422: KEY_REUSED,
            429: OpenApiResponse(description=_("As many tickets today as one customer may take.")),
        },
    )
    @idempotency.idempotent
    def post(self, request: Request, code: str) -> Response:
        outlet = get_object_or_404(Outlet.objects.active(), code=code)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = serializer.validated_data["service"]
        ticket = _run(lambda: actions.issue_ticket(outlet, service, by=request.user, source=TicketSource.REMOTE))
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


# --- Counters --------------------------------------------------------------------------------------------

COUNTER_STEPS = ("sign-in", "sign-out", "call-next")
TICKET_STEPS = ("recall", "no-show", "requeue", "start", "finish", "transfer")


@extend_schema_serializer(component_name="CounterState")
class CounterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outlet = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    staffed_by = serializers.CharField(allow_null=True)
    current = TicketSerializer(allow_null=True)
    waiting = serializers.IntegerField()


def counter_state(counter: Counter) -> dict:
    now = timezone.now()
    counter = Counter.objects.select_related("outlet", "staffed_by").get(pk=counter.pk)
    waiting = queue.callable_by(counter, day=timezone.localdate(now)).count()
    current = queue.current_ticket(counter)
    if current is not None:
        current = Ticket.objects.select_related("outlet", "service", "counter").get(pk=current.pk)
    state = {
        "id": counter.pk,
        "outlet": counter.outlet.code,
        "number": counter.number,
        "name": str(counter),
        "staffed_by": counter.staffed_by.get_full_name() if counter.staffed_by else None,
        "current": current,
        "waiting": waiting,
    }
    return CounterSerializer(state).data


COUNTER_RESPONSES = {
    200: CounterSerializer,
    400: OpenApiResponse(description=_("Bad input for the step.")),
    403: OpenApiResponse(description=_("Only counter staff and managers.")),
    404: OpenApiResponse(description=_("No such counter or ticket in your outlets, or no such step.")),
    409: REFUSED,
    422: KEY_REUSED,
}


class CounterApi(APIView):
    permission_classes = [only(WORK_COUNTER)]

    @extend_schema(
        operation_id="outlets_counter",
        tags=TAGS,
        summary=_("A counter: who works it, its current ticket, how many wait for it"),
        responses={200: CounterSerializer, 403: COUNTER_RESPONSES[403], 404: COUNTER_RESPONSES[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(counter_state(get_object_or_404(permissions.counters_in_scope(request.user), pk=pk)))


class CounterStepApi(APIView):
    permission_classes = [only(WORK_COUNTER)]

    @extend_schema(
        operation_id="outlets_counter_step",
        tags=TAGS,
        summary=_("Sign in to a counter, sign out, or call the next ticket"),
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(COUNTER_STEPS)), IDEMPOTENCY_KEY],
        request=None,
        responses=COUNTER_RESPONSES,
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int, step: str) -> Response:
        counter = get_object_or_404(permissions.counters_in_scope(request.user), pk=pk)
        steps = {
            "sign-in": lambda: actions.sign_in_counter(counter, by=request.user),
            "sign-out": lambda: actions.sign_out_counter(counter, by=request.user),
            "call-next": lambda: actions.call_next(counter, by=request.user),
        }
        if step not in steps:
            raise exceptions.NotFound
        _run(steps[step])
        return Response(counter_state(counter))


class TicketStepApi(APIView):
    permission_classes = [only(WORK_COUNTER)]

    @extend_schema_serializer(component_name="TicketStepInput")
    class InputSerializer(serializers.Serializer):
        orders = serializers.ListField(
            child=serializers.CharField(max_length=20),
            required=False,
            default=list,
            max_length=20,
            help_text=_("finish: the numbers of the work orders opened for the customer today."),
        )
        service = serializers.CharField(required=False, max_length=30, help_text=_("transfer: a service code."))
        counter = serializers.IntegerField(required=False, help_text=_("transfer: a counter's id."))

    @extend_schema(
        operation_id="outlets_ticket_step",
        tags=TAGS,
        summary=_("A step on the ticket at your counter"),
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(TICKET_STEPS)), IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses=COUNTER_RESPONSES,
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int, step: str) -> Response:
        ticket = get_object_or_404(Ticket, pk=pk, outlet__in=permissions.outlets_in_scope(request.user))
        if step not in TICKET_STEPS:
            raise exceptions.NotFound
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"orders": [_("Send the step's fields as an object.")]})
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _run(lambda: self._take(step, ticket, request, serializer.validated_data))
        counter = Counter.objects.filter(staffed_by=request.user).first() or ticket.counter
        if counter is None:
            raise exceptions.NotFound
        return Response(counter_state(counter))

    def _take(self, step: str, ticket: Ticket, request: Request, data: dict) -> object:
        by = request.user
        if step == "finish":
            form = FinishForm({"orders": " ".join(data["orders"])})
            if not form.is_valid():
                raise exceptions.ValidationError({"orders": form.errors["orders"]})
            return actions.finish_serving(ticket, by=by, work_orders=form.cleaned_data["orders"])
        if step == "transfer":
            return self._transfer(ticket, by, data)
        simple = {
            "recall": actions.recall,
            "no-show": actions.mark_no_show,
            "requeue": actions.requeue,
            "start": actions.start_serving,
        }
        return simple[step](ticket, by=by)

    @staticmethod
    def _transfer(ticket: Ticket, by: object, data: dict) -> Ticket:
        service = counter = None
        if data.get("service"):
            service = QueueService.objects.filter(code=data["service"], is_active=True).first()
            if service is None:
                raise exceptions.ValidationError({"service": [_("No such service.")]})
        if data.get("counter"):
            counter = Counter.objects.filter(pk=data["counter"], outlet=ticket.outlet_id, is_active=True).first()
            if counter is None:
                raise exceptions.ValidationError({"counter": [_("No such counter in this outlet.")]})
        return actions.transfer_ticket(ticket, by=by, service=service, counter=counter)


# --- Statistics ----------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="QueueFigures")
class StatisticsRow(serializers.Serializer):
    label = serializers.CharField()
    tickets = serializers.IntegerField()
    mean_wait_minutes = serializers.FloatField(allow_null=True)
    mean_service_minutes = serializers.FloatField(allow_null=True)
    long_wait_share = serializers.FloatField(allow_null=True, help_text=_("Percent who waited over 15 minutes."))
    no_shows = serializers.IntegerField()


class StatisticsApi(APIView):
    permission_classes = [only(READ_STATISTICS)]

    @extend_schema_serializer(component_name="QueueStatistics")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateField()
        until = serializers.DateField()
        overall = serializers.SerializerMethodField()
        rows = serializers.SerializerMethodField()

        @extend_schema_field(StatisticsRow)
        def get_overall(self, data: dict) -> dict:
            return StatisticsRow(data["overall"]).data

        @extend_schema_field(StatisticsRow(many=True))
        def get_rows(self, data: dict) -> list:
            return StatisticsRow(data["rows"], many=True).data

    @extend_schema(
        operation_id="outlets_statistics",
        tags=TAGS,
        summary=_("Waiting and service times of your outlets, by one dimension"),
        parameters=[
            OpenApiParameter("by", str, enum=list(statistics.DIMENSIONS), required=False),
            OpenApiParameter("days", int, enum=[7, 30, 90, 365], required=False),
            OpenApiParameter("outlet", str, required=False, description=_("An outlet's code.")),
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description=_("Bad input.")),
            403: OpenApiResponse(description=_("Only staff of outlets and managers.")),
        },
    )
    def get(self, request: Request) -> Response:
        dimension = request.query_params.get("by", "outlet")
        if dimension not in statistics.DIMENSIONS:
            raise exceptions.ValidationError(
                {"by": [_("Choose one of: %(names)s.") % {"names": ", ".join(statistics.DIMENSIONS)}]}
            )
        outlets = permissions.outlets_in_scope(request.user)
        if request.query_params.get("outlet"):
            outlets = outlets.filter(code=request.query_params["outlet"][:20])
        period = statistics.period_of(request.query_params.get("days", "30"))
        tickets = statistics.tickets_of(outlets, period)
        rows = statistics.by(dimension, tickets)
        data = {"since": period.since, "until": period.until, "overall": statistics.overall(tickets), "rows": rows}
        return Response(self.OutputSerializer(data).data)
