"""/api/v1/figures/…: the dashboards' figures for a BI tool, read-only, scoped to the caller's unit subtree
(another unit's code is 404) and limited to managers (403), as the pages are (dashboards.permissions)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import periods, queries, registry
from dashboards.board import Board
from dashboards.models import DailyFigure, Grain, Level
from dashboards.permissions import READ_DASHBOARD, only, unit_for

TAGS = ["figures"]
UNIT = OpenApiParameter("unit", str, required=False, description=_("A unit's code; blank: your own unit."))
PERIOD = [
    OpenApiParameter("period", str, enum=list(periods.KINDS), required=False),
    OpenApiParameter("on", str, required=False, description=_("A day (YYYY-MM-DD) in the period.")),
    OpenApiParameter("start", str, required=False, description=_("A range's first day (period=range).")),
    OpenApiParameter("end", str, required=False, description=_("A range's last day (period=range).")),
]
MAX_DAILY_DAYS = 366


class MeasureApi(APIView):
    permission_classes = [only(READ_DASHBOARD)]

    @extend_schema_serializer(component_name="FigureMeasure")
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        label = serializers.CharField()
        unit = serializers.CharField()
        section = serializers.CharField()
        higher_is_better = serializers.BooleanField()
        levels = serializers.CharField(help_text=_("d: per unit; g: per service grid; p: per person."))

    @extend_schema(
        operation_id="figures_measures",
        tags=TAGS,
        summary=_("The measures the dashboards know"),
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(registry.MEASURES.values(), many=True).data)


@extend_schema_serializer(component_name="Figure")
class FigureSerializer(serializers.Serializer):
    measure = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    previous = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class SummaryApi(APIView):
    permission_classes = [only(READ_DASHBOARD)]

    @extend_schema_serializer(component_name="FigureSummary")
    class OutputSerializer(serializers.Serializer):
        unit = serializers.CharField()
        start = serializers.DateField()
        end = serializers.DateField(help_text=_("The period's last day."))
        accounts = serializers.IntegerField()
        figures = FigureSerializer(many=True)

    @extend_schema(
        operation_id="figures_summary",
        tags=TAGS,
        parameters=[UNIT, *PERIOD],
        summary=_("Every measure and breakdown of a unit's subtree over a period, and the period before"),
        responses={200: OutputSerializer, 404: OpenApiResponse(description=_("Not a unit of yours."))},
    )
    def get(self, request: Request) -> Response:
        unit = unit_for(request.user, request.query_params.get("unit"))
        period = periods.period_from(request.query_params, timezone.localdate())
        board = Board(queries.scope_for(unit), period)
        figures = []
        names: dict[str, dict[str, str]] = {}  # each measure's key names, read once (no query per figure)
        for measure, key in sorted(set(board.now.sums) | set(board.before.sums)):
            definition = registry.get(measure)
            if definition is None:
                continue
            if definition.keys and key and measure not in names:
                names[measure] = {k: str(v) for k, v in definition.keys().items()}
            figures.append(
                {
                    "measure": measure,
                    "key": key,
                    "label": names[measure].get(key, key) if measure in names else definition.key_label(key),
                    "value": board.value(measure, key=key),
                    "previous": board.value(measure, key=key, before=True),
                }
            )
        data = {
            "unit": unit.code,
            "start": period.start,
            "end": period.last,
            "accounts": board.scope.accounts,
            "figures": figures,
        }
        return Response(self.OutputSerializer(data).data)


class DailyApi(APIView):
    permission_classes = [only(READ_DASHBOARD)]

    @extend_schema_serializer(component_name="DailyFigure")
    class OutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        key = serializers.CharField()
        numerator = serializers.DecimalField(max_digits=18, decimal_places=2)
        denominator = serializers.DecimalField(max_digits=18, decimal_places=2)

    @extend_schema(
        operation_id="figures_daily",
        tags=TAGS,
        parameters=[
            OpenApiParameter("measure", str, required=True),
            UNIT,
            OpenApiParameter("start", str, required=False, description=_("First day; default 30 days ago.")),
            OpenApiParameter("end", str, required=False, description=_("Last day; default today (at most 366 days).")),
        ],
        summary=_("One measure's daily numerator and denominator for a unit's subtree, per breakdown"),
        responses={200: OutputSerializer(many=True), 404: OpenApiResponse(description=_("Not a unit of yours."))},
    )
    def get(self, request: Request) -> Response:
        measure = request.query_params.get("measure", "")
        if registry.get(measure) is None:
            raise exceptions.ValidationError({"measure": [_("There is no such measure.")]})
        unit = unit_for(request.user, request.query_params.get("unit"))
        today = timezone.localdate()
        start = periods.read_date(request.query_params.get("start")) or today - timedelta(days=30)
        last = periods.read_date(request.query_params.get("end")) or today
        if last < start or (last - start).days >= MAX_DAILY_DAYS:
            raise exceptions.ValidationError({"end": [_("Give a range of at most 366 days, its end after its start.")]})
        rows = (
            DailyFigure.objects.filter(
                grain=Grain.DAY,
                level=Level.SUBTREE,
                measure=measure,
                department=unit,
                day__gte=start,
                day__lte=last,
            )
            .values("day", "key")
            .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
            .order_by("day", "key")
        )
        return Response(self.OutputSerializer(rows, many=True).data)
