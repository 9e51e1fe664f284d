"""The JSON API of work orders under /api/v1/work-orders/: lists, detail, new requests and the staff actions.

Reads go through services.queues (the same visibility, filters and urgency order as the pages); writes call
the same actions as the pages. An order the caller may not see answers 404, an action their role may not take
403, and a move the workflow refuses 409 with its message. Staff actions are validated by the pages' own
action forms (services.forms.ACTIONS), so the two can never disagree on what an action needs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
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
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import ElectricityAccount, Role, User
from accounts.permissions import IsCustomer, IsEmployee, is_customer
from services import actions, idempotency, kinds, queues, steps, visits
from services.forms import STAFF_CHANNELS, ActionNotApplicable, action_for, action_names, actions_for, can_enter_orders
from services.models import Channel, Clock, Priority, TimelineEvent, WorkOrder
from services.models.orders import CLOSED, WorkOrderQuerySet
from services.queues import CappedPaginator, SlaState, State
from services.sla import ClockStatus, clock_status

NUMBER_IN_PATH = OpenApiParameter("number", str, OpenApiParameter.PATH, description=_("The work order's number."))
# What the workflow raises when a step is not allowed now: 409 with its message, nothing changed.
REFUSALS = (actions.TransitionRefused, actions.ChaseRefused, visits.VisitRefused)
REFUSED = OpenApiResponse(description=_("The order's kind or status does not allow this now; nothing changed."))


def named_choice_field(choices: list[tuple[str, str]], component: str) -> type[serializers.ChoiceField]:
    """A ChoiceField whose enum is its own schema component: `status` and `channel` mean other things elsewhere."""
    schema = {"type": "string", "enum": [str(value) for value, _label in choices]}

    @extend_schema_field(schema, component_name=component)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(choices=choices, **kwargs)

    return NamedChoiceField


OrderStatusField = named_choice_field(kinds.status_choices(), "WorkOrderStatusEnum")
OrderChannelField = named_choice_field(Channel.choices, "WorkOrderChannelEnum")
StaffChannelField = named_choice_field(STAFF_CHANNELS, "StaffChannelEnum")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This move is not allowed now.")
    default_code = "conflict"


def refused(refusal: Exception) -> Conflict:
    return Conflict(detail=refusal.message)


def invalid(error: ValidationError) -> exceptions.ValidationError:
    """A refusal by an action (django ValidationError) as a 400 answer, by field where it names one."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({field: [str(m) for m in errors] for field, errors in error})
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)})


def visible_order(user: User, number: str) -> WorkOrder:
    orders = WorkOrder.objects.visible_to(user).select_related("account", "grid", "department", "assigned_to")
    orders = orders.prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("started_at", "pk")))
    return get_object_or_404(orders, number=number)


@extend_schema_serializer(component_name="WorkOrderClock")
class ClockSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=[*SlaState.choices, ("met", _("Met"))])
    state_label = serializers.CharField()
    due_at = serializers.DateTimeField()
    remaining_seconds = serializers.IntegerField(help_text=_("Negative once late; frozen while paused or stopped."))
    warning_level = serializers.IntegerField()
    is_breached = serializers.BooleanField()


def clocks_of(order: WorkOrder) -> list[ClockStatus]:
    now = timezone.now()
    return [clock_status(clock, now) for clock in order.clocks.all()]


class WorkOrderFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=kinds.kind_choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=kinds.status_choices, label=_("Status"))
    grid = filters.CharFilter(field_name="grid__code", max_length=20, label=_("Service grid (台区) code"))
    sla_state = filters.ChoiceFilter(choices=SlaState.choices, method="filter_sla", label=_("Time-limit state"))
    assigned = filters.ChoiceFilter(
        choices=[("me", _("Assigned to me")), ("team", _("My department's"))],
        method="filter_assigned",
        label=_("Whose orders (staff)"),
    )
    q = filters.CharFilter(
        method="filter_search", max_length=100, label=_("Search: an order number or its start, a phone, an address")
    )
    # Only validated and documented here: WorkOrderListApi.get_queryset reads it, as it decides the order too.
    state = filters.ChoiceFilter(
        choices=State.choices,
        method="keep",
        label=_("Open orders (staff's default, most urgent first) or closed ones (latest closure first)"),
    )

    class Meta:
        model = WorkOrder
        fields = ["kind", "status", "grid", "sla_state", "assigned", "state", "q"]

    def filter_search(self, orders: WorkOrderQuerySet, name: str, value: str) -> WorkOrderQuerySet:
        return queues.search(orders, value)

    def keep(self, orders: WorkOrderQuerySet, name: str, value: str) -> WorkOrderQuerySet:
        return orders

    def filter_sla(self, orders: WorkOrderQuerySet, name: str, value: str) -> WorkOrderQuerySet:
        return queues.filter_sla_state(orders, value)

    def filter_assigned(self, orders: WorkOrderQuerySet, name: str, value: str) -> WorkOrderQuerySet:
        user = self.request.user
        return queues.assigned_to(orders, user) if value == "me" else queues.of_team(orders, user)


class CappedPagination(PageNumberPagination):
    """Page numbers with a count that stops at services.queues.COUNT_CAP + 1; `count_is_capped` says so."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: list) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_is_capped"] = self.page.paginator.is_capped
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"]["description"] = str(
            _("Exact up to 1000; past that 1001, and count_is_capped is true (narrow the filters to see more).")
        )
        paginated["properties"]["count_is_capped"] = {"type": "boolean"}
        paginated["required"] = [*paginated.get("required", ["count", "results"]), "count_is_capped"]
        return paginated


def list_state(user: User, state: str, status: str) -> str:
    """Which orders the list shows: as asked; else a closed status's history; else open ones for staff, and
    everything of a customer's own (their few orders, open or not)."""
    if state in (State.OPEN, State.CLOSED):
        return state
    if status in CLOSED:
        return State.CLOSED
    return State.OPEN if user.is_employee else ""


class WorkOrderListApi(ListAPIView):
    @extend_schema_serializer(component_name="WorkOrder")
    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        kind = serializers.ChoiceField(choices=kinds.kind_choices())
        sub_type = serializers.CharField()
        channel = OrderChannelField()
        status = OrderStatusField()
        status_label = serializers.CharField(source="get_status_display")
        priority = serializers.ChoiceField(choices=Priority.choices)
        account = serializers.CharField(source="account.number", allow_null=True, default=None)
        grid = serializers.CharField(source="grid.code", allow_null=True, default=None)
        department = serializers.CharField(source="department.name", allow_null=True, default=None)
        assigned_to = serializers.CharField(source="assigned_to.get_full_name", allow_null=True, default=None)
        opened_at = serializers.DateTimeField()
        closed_at = serializers.DateTimeField(allow_null=True)
        next_due_at = serializers.DateTimeField(allow_null=True, help_text=_("The earliest running clock's due time."))
        is_breached = serializers.BooleanField()

    queryset = WorkOrder.objects.none()  # for the schema; get_queryset() decides what the caller sees
    serializer_class = OutputSerializer
    filterset_class = WorkOrderFilter
    pagination_class = CappedPagination

    @extend_schema(
        operation_id="work_orders_list",
        tags=["work orders"],
        summary=_("The work orders the caller may see, most urgent first"),
        description=_(
            "Breached first, then by time left on the earliest running clock, then priority, then age. "
            "A customer gets their own requests; staff every open order, or with assigned=me / team their "
            "queues. state=closed lists closed and cancelled orders instead, the latest closure first "
            "(the default for a status filter of closed or cancelled). The count stops at 1001."
        ),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def get_queryset(self) -> WorkOrderQuerySet:
        """Urgency is ranked among open orders only: ranking the city's closed ones too took seconds."""
        user, params = self.request.user, self.request.query_params
        orders = WorkOrder.objects.visible_to(user)
        state = list_state(user, params.get("state", ""), params.get("status", ""))
        if state == State.CLOSED:
            orders = queues.closed_history(orders)
        elif state == State.OPEN:
            orders = orders.open()
        orders = queues.with_deadlines(orders, timezone.now())
        orders = orders if state == State.CLOSED else queues.urgent_first(orders)
        # A customer's few orders are joined at no cost; staff lists fetch a page's related rows after ranking.
        return queues.for_rows(orders) if user.is_employee else queues.joined_for_rows(orders)


class WorkOrderDetailApi(APIView):
    @extend_schema_serializer(component_name="WorkOrderDetail")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="WorkOrderEvent")
        class EventSerializer(serializers.Serializer):
            kind = serializers.CharField()
            kind_label = serializers.CharField(source="get_kind_display")
            at = serializers.DateTimeField()
            old_value = serializers.CharField()
            new_value = serializers.CharField()
            note = serializers.CharField()
            is_public = serializers.BooleanField()

        number = serializers.CharField()
        kind = serializers.ChoiceField(choices=kinds.kind_choices())
        sub_type = serializers.CharField()
        channel = OrderChannelField()
        status = OrderStatusField()
        status_label = serializers.CharField(source="get_status_display")
        priority = serializers.ChoiceField(choices=Priority.choices)
        account = serializers.CharField(source="account.number", allow_null=True, default=None)
        grid = serializers.CharField(source="grid.code", allow_null=True, default=None)
        location = serializers.CharField()
        description = serializers.CharField()
        result = serializers.CharField()
        opened_at = serializers.DateTimeField()
        closed_at = serializers.DateTimeField(allow_null=True)
        clocks = ClockSerializer(many=True, source="clock_statuses")
        timeline = EventSerializer(many=True)
        allowed_actions = serializers.ListField(child=serializers.CharField(), help_text=_("For staff."))

    @extend_schema(
        operation_id="work_orders_retrieve",
        tags=["work orders"],
        summary=_("One work order with its clocks and timeline"),
        description=_("Customers see only the timeline events meant for them."),
        parameters=[NUMBER_IN_PATH],
        responses={200: OutputSerializer, 404: OpenApiResponse(description=_("No such order visible to you."))},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(self.OutputSerializer(detail_of(visible_order(request.user, number), request.user)).data)


def detail_of(order: WorkOrder, user: User) -> WorkOrder:
    """Attach what the detail shows: clock statuses, the timeline the user may see, the actions they may take."""
    events = TimelineEvent.objects.filter(order=order)
    if not user.is_employee:
        events = events.filter(is_public=True)
    order.clock_statuses = clocks_of(order)
    order.timeline = list(events)
    order.allowed_actions = [name for name, form in actions_for(order).items() if form.is_offered(order, user)]
    return order


def created(order: WorkOrder, user: User) -> Response:
    data = WorkOrderDetailApi.OutputSerializer(detail_of(visible_order(user, order.number), user)).data
    return Response(data, status=status.HTTP_201_CREATED)


class NewRequestInput(serializers.Serializer):
    """What a customer or member of staff gives for a new request; staff add the channel and contact."""

    account = serializers.CharField(
        required=False, allow_blank=True, help_text=_("The 10-digit account number; customers: one linked to them.")
    )
    description = serializers.CharField(max_length=2000)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    channel = StaffChannelField(required=False, help_text=_("Staff only."))

    def validate_account(self, number: str) -> ElectricityAccount | None:
        if not number:
            return None
        user = self.context["user"]
        accounts = ElectricityAccount.objects.all() if user.is_employee else user.linked_accounts.all()
        account = accounts.filter(number=number).first()
        if account is None:
            raise serializers.ValidationError(_("No electricity account of yours has this number."))
        return account

    def validate(self, data: dict) -> dict:
        user = self.context["user"]
        if user.role == Role.CONVENIENCE_AGENT:
            data["channel"] = Channel.CONVENIENCE_POINT  # an agent files only as their point
            return data
        if user.is_employee and not data.get("channel"):
            raise serializers.ValidationError({"channel": [_("Say how the request came in.")]})
        data["channel"] = data.get("channel") if user.is_employee else Channel.WEB
        return data


class MayOpenRequests(BasePermission):
    """Customers, and the staff who take requests by phone or at the counter."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_customer(request.user) or can_enter_orders(request.user)


IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "A key of the client's choosing (1–100 printable characters) that makes a retry safe: a second request "
        "with the same key gets the first answer again and changes nothing."
    ),
)
KEY_REUSED = OpenApiResponse(description=_("The Idempotency-Key was used for a different request."))


class NewRequestApi(APIView):
    """The create endpoint of a kind (its package subclasses it): validate, open the request, answer 201.

    Retried with the same Idempotency-Key, it answers as the first time and opens nothing more.
    """

    permission_classes = [MayOpenRequests]
    InputSerializer: type[NewRequestInput]
    submit: Callable[..., WorkOrder]  # the kind's action, e.g. staticmethod(repair.actions.report_fault)

    @staticmethod
    def describe(operation_id: str, summary: str, request: type[serializers.Serializer]) -> Callable:
        """The OpenAPI description every create endpoint shares, for the kind's `post`."""
        return extend_schema(
            operation_id=operation_id,
            tags=["work orders"],
            summary=summary,
            parameters=[IDEMPOTENCY_KEY],
            request=request,
            responses={
                201: WorkOrderDetailApi.OutputSerializer,
                400: OpenApiResponse(description=_("Bad input.")),
                403: OpenApiResponse(description=_("Only customers and the staff who take requests.")),
                422: KEY_REUSED,
            },
        )

    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        # One transaction with the answer's read: a database lost between the two leaves no order behind a 503
        # (a retry without a key would otherwise open it twice, as the PostgreSQL drill once did).
        with transaction.atomic():
            try:
                order = type(self).submit(by=request.user, **serializer.validated_data)
            except ValidationError as error:
                raise invalid(error) from error
            return created(order, request.user)


class WorkOrderActionApi(APIView):
    permission_classes = [IsEmployee]

    @extend_schema_serializer(component_name="WorkOrderActionInput")
    class InputSerializer(serializers.Serializer):
        """The fields of the backbone's and the current kinds' actions; each action reads its own."""

        assignee = serializers.IntegerField(required=False, help_text=_("assign: the user's id."))
        department = serializers.IntegerField(required=False, help_text=_("transfer: the department's id."))
        note = serializers.CharField(required=False, allow_blank=True)
        cause = serializers.CharField(required=False, help_text=_("restore."))
        reason = serializers.CharField(required=False, help_text=_("unable."))
        result = serializers.CharField(required=False, allow_blank=True, help_text=_("resolve, close."))
        text = serializers.CharField(required=False, help_text=_("comment."))
        is_public = serializers.BooleanField(required=False, default=False, help_text=_("comment."))
        overall = serializers.IntegerField(required=False, help_text=_("phone_visit: 1–5."))
        scores = serializers.DictField(child=serializers.IntegerField(), required=False, help_text=_("phone_visit."))
        comment = serializers.CharField(required=False, allow_blank=True, help_text=_("phone_visit."))

    @extend_schema(
        operation_id="work_orders_act",
        tags=["work orders"],
        summary=_("Take a staff action on a work order"),
        description=_("Actions: the backbone's (assign, transfer, close, comment, phone_visit) and each kind's own."),
        parameters=[
            NUMBER_IN_PATH,
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=action_names()),
            IDEMPOTENCY_KEY,
        ],
        request=InputSerializer,
        responses={
            200: WorkOrderDetailApi.OutputSerializer,
            400: OpenApiResponse(description=_("Bad input for the action.")),
            403: OpenApiResponse(description=_("Your role may not take this action.")),
            404: OpenApiResponse(description=_("No such order or action.")),
            409: REFUSED,
            422: KEY_REUSED,
        },
    )
    @idempotency.idempotent
    def post(self, request: Request, number: str, action: str) -> Response:
        order = visible_order(request.user, number)
        try:
            action_form = action_for(order, action, request.user)
        except ActionNotApplicable as refusal:
            raise Conflict(detail=refusal.message) from refusal
        # The action's own form is the input's contract (a kind's action may take fields no other action has):
        # InputSerializer only documents the backbone's fields in the schema.
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("Send the action's fields.")]})
        form = action_form(_form_data(request.data), request.FILES, order=order, prefix="")
        if not form.is_valid():
            raise exceptions.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        return take_step(request, number, lambda: form.perform(request.user))


def _form_data(data: dict) -> dict:
    """The API's input as the action form's (unprefixed) data: scores flattened, booleans as the form takes them."""
    flat = {key: value for key, value in data.items() if key != "scores"}
    scores = data.get("scores") or {}
    if not isinstance(scores, dict):
        raise exceptions.ValidationError({"scores": [_("Give the scores as an object of characteristic: 1–5.")]})
    flat.update(scores)
    if not flat.get("is_public"):
        flat.pop("is_public", None)
    return flat


class CustomerStepApi(APIView):
    """A customer's step on their own order: chase, and each kind's own (services.steps), as on the page."""

    permission_classes = [IsCustomer]

    @extend_schema_serializer(component_name="CustomerStepInput")
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="work_orders_step",
        tags=["work orders"],
        summary=_("Take a customer's step on your own request"),
        description=_(
            "Steps: chase (催办) and message (with a note) on any open request, and those of the request's own kind."
        ),
        parameters=[
            NUMBER_IN_PATH,
            OpenApiParameter("step", str, OpenApiParameter.PATH, enum=steps.step_names()),
            IDEMPOTENCY_KEY,
        ],
        request=InputSerializer,
        responses={
            200: WorkOrderDetailApi.OutputSerializer,
            400: OpenApiResponse(description=_("Bad input for the step.")),
            403: OpenApiResponse(description=_("Only customers.")),
            404: OpenApiResponse(description=_("No such order of yours, or no such step.")),
            409: REFUSED,
            422: KEY_REUSED,
            429: OpenApiResponse(
                description=_("Chased, or written to, too often: try again after Retry-After seconds.")
            ),
        },
    )
    @idempotency.idempotent
    def post(self, request: Request, number: str, step: str) -> Response:
        order = visible_order(request.user, number)
        taken = steps.steps_for(order).get(step)
        if taken is None:
            if not steps.is_known(step):
                raise exceptions.NotFound
            raise Conflict(detail=_("This step does not apply to a %(kind)s request.") % {"kind": order.kind})
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data["note"]
        if taken.note_required and not note.strip():
            raise exceptions.ValidationError({"note": [_("Write a note for this step.")]})
        return take_step(request, number, lambda: taken.perform(order, by=request.user, note=note))


def take_step(request: Request, number: str, step: Callable[[], object]) -> Response:
    """Run one action or step on the order and answer with the order as it is now.

    A move the workflow refuses is 409, a step taken too often 429 with Retry-After, a refusal by the action
    (django ValidationError) 400; nothing changes in any of them.
    """
    try:
        step()
    except REFUSALS as refusal:
        raise refused(refusal) from refusal
    except actions.TooSoon as too_soon:
        raise exceptions.Throttled(too_soon.retry_after(timezone.now()), detail=too_soon.message) from too_soon
    except ValidationError as error:
        raise invalid(error) from error
    return Response(
        WorkOrderDetailApi.OutputSerializer(detail_of(visible_order(request.user, number), request.user)).data
    )
