"""/api/v1/inspections/…: the inspections (list, detail), the inspector's checklist results and findings, and the
anomaly flags with their review. Completing is the backbone's action endpoint
(/api/v1/work-orders/<number>/actions/complete_inspection/). Every POST is idempotent (Idempotency-Key) and
counted by the inspections' write limit (429); the same actions as the pages.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services import idempotency
from services.actions import TransitionRefused
from services.api import IDEMPOTENCY_KEY, KEY_REUSED, NUMBER_IN_PATH, REFUSED, Conflict, invalid, named_choice_field
from services.inspections import actions
from services.inspections.limits import InspectionWriteThrottle
from services.inspections.models import (
    INSPECTION,
    AnomalyFlag,
    Checklist,
    ChecklistItem,
    FindingCategory,
    FlagStatus,
    Inspection,
    LegalBasis,
    Origin,
    Outcome,
    Rule,
    Severity,
)
from services.inspections.permissions import may
from services.inspections.views import findings_visible
from services.models import WorkOrder

OutcomeField = named_choice_field(Outcome.choices, "InspectionOutcomeEnum")
OriginField = named_choice_field(Origin.choices, "InspectionOriginEnum")
CategoryField = named_choice_field(FindingCategory.choices, "FindingCategoryEnum")
SeverityField = named_choice_field(Severity.choices, "FindingSeverityEnum")
RuleField = named_choice_field(Rule.choices, "AnomalyRuleEnum")
FlagStatusField = named_choice_field(FlagStatus.choices, "AnomalyFlagStatusEnum")


def _permission(what: str) -> type[BasePermission]:
    class May(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return may(request.user, what)

    May.__name__ = f"May_{what}"
    return May


def _inspection(request: Request, number: str, *, acting: bool = False) -> WorkOrder:
    from services.permissions import may_act_on

    orders = WorkOrder.objects.visible_to(request.user).filter(kind=INSPECTION).select_related("grid", "department")
    order = get_object_or_404(orders, number=number)
    if acting and not may_act_on(order, request.user):
        raise PermissionDenied(_("This inspection is not yours to work."))
    return order


def _run(step: object) -> None:
    try:
        step()
    except (TransitionRefused, actions.FlagReviewed) as refusal:
        raise Conflict(detail=refusal.message) from refusal
    except ValidationError as error:
        raise invalid(error) from error


@extend_schema_serializer(component_name="InspectionSummary")
class SummaryOutput(serializers.Serializer):
    number = serializers.CharField(source="order.number")
    account = serializers.CharField(source="account.number")
    origin = OriginField()
    planned_on = serializers.DateField()
    status = serializers.CharField(source="order.status")
    completed_at = serializers.DateTimeField(allow_null=True)
    has_findings = serializers.BooleanField()


@extend_schema_serializer(component_name="InspectionResult")
class ResultOutput(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    outcome = OutcomeField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="InspectionFinding")
class FindingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    category = CategoryField()
    severity = SeverityField()
    description = serializers.CharField()
    rectify_by = serializers.DateField(source="rectification.due_on", allow_null=True, default=None)


@extend_schema_serializer(component_name="InspectionChecklistItem")
class ItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


@extend_schema_serializer(component_name="InspectionDetail")
class DetailOutput(SummaryOutput):
    items = ItemOutput(many=True)
    results = ResultOutput(many=True)
    findings = FindingOutput(many=True)


def detail_of(order: WorkOrder, request: Request) -> dict:
    inspection = Inspection.objects.select_related("order", "account").get(pk=order.pk)
    data = SummaryOutput(inspection).data | {
        "items": ItemOutput(ChecklistItem.objects.filter(checklist_id=inspection.checklist_id), many=True).data,
        "results": ResultOutput(inspection.results.all(), many=True).data,
        "findings": FindingOutput(findings_visible(inspection, request.user), many=True).data,
    }
    return data


class InspectionListApi(ListAPIView):
    permission_classes = [_permission("work")]
    serializer_class = SummaryOutput

    @extend_schema(operation_id="inspections_list", tags=["inspections"], summary=_("Inspections"))
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Inspection]:
        orders = WorkOrder.objects.visible_to(self.request.user).filter(kind=INSPECTION)
        return (
            Inspection.objects.filter(order__in=orders.values("pk"))
            .select_related("order", "account")
            .order_by("-planned_on", "-pk")
        )


class InspectionDetailApi(APIView):
    permission_classes = [_permission("work")]

    @extend_schema(
        operation_id="inspections_retrieve",
        tags=["inspections"],
        summary=_("One inspection with its checklist, results and findings"),
        parameters=[NUMBER_IN_PATH],
        responses={200: DetailOutput},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(detail_of(_inspection(request, number), request))


@extend_schema_serializer(component_name="InspectionResultInput")
class ResultInput(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = OutcomeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


WRITE_RESPONSES = {
    200: DetailOutput,
    403: OpenApiResponse(description=_("Your role may not do this, or the order is not in your scope.")),
    409: REFUSED,
    422: KEY_REUSED,
}


class ChecklistApi(APIView):
    permission_classes = [_permission("work")]
    throttle_classes = [InspectionWriteThrottle]

    @extend_schema_serializer(component_name="InspectionChecklistInput")
    class InputSerializer(serializers.Serializer):
        results = ResultInput(many=True, allow_empty=False)

    @extend_schema(
        operation_id="inspections_record_results",
        tags=["inspections"],
        summary=_("Record checklist results (photos: the order's attachments endpoint)"),
        parameters=[NUMBER_IN_PATH, IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses=WRITE_RESPONSES,
    )
    @idempotency.idempotent
    def post(self, request: Request, number: str) -> Response:
        order = _inspection(request, number, acting=True)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        inspection = Inspection.objects.get(pk=order.pk)
        items = {item.pk: item for item in ChecklistItem.objects.filter(checklist_id=inspection.checklist_id)}
        results = []
        for row in given.validated_data["results"]:
            if row["item"] not in items:
                raise invalid(
                    ValidationError({"results": _("Item %(id)s is not on this checklist.") % {"id": row["item"]}})
                )
            results.append(actions.ItemResult(item=items[row["item"]], outcome=row["outcome"], note=row["note"]))
        _run(lambda: actions.record_results(order, by=request.user, results=results))
        return Response(detail_of(order, request))


class FindingApi(APIView):
    permission_classes = [_permission("work")]
    throttle_classes = [InspectionWriteThrottle]

    @extend_schema_serializer(component_name="InspectionFindingInput")
    class InputSerializer(serializers.Serializer):
        category = CategoryField()
        severity = SeverityField()
        description = serializers.CharField(max_length=2000)
        required_action = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
        due_on = serializers.DateField(required=False, allow_null=True, default=None)
        legal_basis = serializers.SlugRelatedField(
            slug_field="code", queryset=LegalBasis.objects.all(), required=False, allow_null=True, default=None
        )
        estimated_unbilled_kwh = serializers.DecimalField(
            max_digits=12, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
        )

    @extend_schema(
        operation_id="inspections_record_finding",
        tags=["inspections"],
        summary=_("Record a finding (a hazard or violation issues a rectification notice)"),
        parameters=[NUMBER_IN_PATH, IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={**WRITE_RESPONSES, 201: DetailOutput},
    )
    @idempotency.idempotent
    def post(self, request: Request, number: str) -> Response:
        order = _inspection(request, number, acting=True)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        finding = actions.NewFinding(**given.validated_data)
        _run(lambda: actions.record_finding(order, by=request.user, finding=finding))
        return Response(detail_of(order, request), status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="AnomalyFlag")
class FlagOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.CharField(source="account.number")
    period = serializers.DateField()
    rule = RuleField()
    status = FlagStatusField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    reason = serializers.CharField()
    inspection = serializers.CharField(source="inspection.order.number", allow_null=True, default=None)


class FlagListApi(ListAPIView):
    permission_classes = [_permission("see_flags")]
    serializer_class = FlagOutput

    @extend_schema(
        operation_id="inspections_flags_list",
        tags=["inspections"],
        summary=_("Anomaly flags"),
        parameters=[
            OpenApiParameter("status", str, enum=FlagStatus.values),
            OpenApiParameter("rule", str, enum=Rule.values),
        ],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AnomalyFlag]:
        rows = AnomalyFlag.objects.select_related("account", "inspection__order").order_by("-period", "pk")
        params = self.request.query_params
        if params.get("status") in FlagStatus.values:
            rows = rows.filter(status=params["status"])
        if params.get("rule") in Rule.values:
            rows = rows.filter(rule=params["rule"])
        return rows


class FlagReviewApi(APIView):
    permission_classes = [_permission("review_flags")]
    throttle_classes = [InspectionWriteThrottle]

    @extend_schema_serializer(component_name="AnomalyFlagReviewInput")
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[("dismiss", _("Dismiss")), ("inspect", _("Open an inspection"))])
        reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
        checklist = serializers.SlugRelatedField(
            slug_field="code", queryset=Checklist.objects.all(), required=False, allow_null=True, default=None
        )

    @extend_schema(
        operation_id="inspections_flags_review",
        tags=["inspections"],
        summary=_("Review a flag: dismiss it with a reason, or open an inspection"),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH), IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={200: FlagOutput, 409: REFUSED, 422: KEY_REUSED},
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        flag = get_object_or_404(AnomalyFlag, pk=pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data["decision"] == "dismiss":
            _run(lambda: actions.dismiss_flag(flag, by=request.user, reason=data["reason"]))
        else:
            checklist = data["checklist"] or Checklist.objects.order_by("pk").first()
            _run(
                lambda: actions.open_inspection_from_flag(
                    flag, by=request.user, checklist=checklist, note=data["reason"]
                )
            )
        flag = AnomalyFlag.objects.select_related("account", "inspection__order").get(pk=pk)
        return Response(FlagOutput(flag).data)
