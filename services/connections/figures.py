"""The new-connection funnel: applications by stage, with median stage times and breaches, by type and
department. The managers' dashboards read `funnel()`; the staff's funnel page (views.funnel) shows it.

Two queries whatever the number of applications: the open applications counted by stage, type and department,
and the stage clocks of the period counted, with their breaches and median duration, by stage, type and
department. Both are aggregates on PostgreSQL (the median is `percentile_cont`); SQLite has no median, so there
the clocks' durations are read and the medians taken here (bench/README.md: in-sale funnel).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract

from services.connections.models import BUSINESS_APPLICATION, ConnectionType, Stage
from services.models import Clock, ClockState, WorkOrder

DAY_SECONDS = 86400


@dataclass
class FunnelRow:
    """One stage of one application type in one department."""

    connection_type: str
    type_label: str
    stage: str
    stage_label: str
    department: str
    open_now: int = 0  # applications at this stage now
    passed: int = 0  # stage clocks stopped in the period
    breached: int = 0  # of which late, or running past due
    median_days: float | None = None  # median time at the stage (calendar days)


def open_by_stage() -> QuerySet:
    """Open applications counted by stage, type and department (one aggregate query)."""
    orders = WorkOrder.objects.open().filter(kind=BUSINESS_APPLICATION).order_by()
    return orders.values("status", "sub_type", "department__name").annotate(n=Count("pk"))


def stage_clocks(since: datetime, until: datetime) -> QuerySet:
    """The stage clocks of applications started in the period, with what the funnel needs of each."""
    clocks = Clock.objects.filter(
        order__kind=BUSINESS_APPLICATION, name__startswith="stage:", started_at__gte=since, started_at__lt=until
    ).order_by()
    # Late: stopped late, marked by the sweep, or running past due (the sweep runs once a minute).
    late = Q(state=ClockState.BREACHED) | Q(breached_at__isnull=False) | Q(state=ClockState.RUNNING, due_at__lt=until)
    clocks = clocks.annotate(is_late=ExpressionWrapper(late, output_field=BooleanField()))
    return clocks.values_list(
        "name", "order__sub_type", "order__department__name", "started_at", "stopped_at", "is_late"
    )


class Median(Aggregate):
    """PostgreSQL's median of a number (percentile_cont ignores NULLs: clocks still running)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def stage_figures(since: datetime, until: datetime) -> QuerySet:
    """PostgreSQL: per stage, type and department, the clocks stopped, late, and their median seconds (one query)."""
    clocks = Clock.objects.filter(
        order__kind=BUSINESS_APPLICATION, name__startswith="stage:", started_at__gte=since, started_at__lt=until
    ).order_by()
    late = Q(state=ClockState.BREACHED) | Q(breached_at__isnull=False) | Q(state=ClockState.RUNNING, due_at__lt=until)
    seconds = Extract(ExpressionWrapper(F("stopped_at") - F("started_at"), output_field=DurationField()), "epoch")
    return clocks.values("name", "order__sub_type", "order__department__name").annotate(
        passed=Count("pk", filter=Q(stopped_at__isnull=False)),
        breached=Count("pk", filter=late),
        median=Median(seconds),
    )


def funnel(*, since: datetime, until: datetime) -> list[FunnelRow]:
    """Every (type, stage, department) with applications in it now or stage clocks in the period."""
    rows: dict[tuple[str, str, str], FunnelRow] = {}

    def row(connection_type: str, stage: str, department: str | None) -> FunnelRow:
        key = (connection_type, stage, department or "")
        if key not in rows:
            rows[key] = FunnelRow(
                connection_type=connection_type,
                type_label=str(ConnectionType(connection_type).label)
                if connection_type in ConnectionType.values
                else connection_type,
                stage=stage,
                stage_label=str(Stage(stage).label) if stage in Stage.values else stage,
                department=department or "",
            )
        return rows[key]

    for item in open_by_stage():
        if item["status"] in Stage.values:
            row(item["sub_type"], item["status"], item["department__name"]).open_now += item["n"]
    if connection.vendor == "postgresql":
        for item in stage_figures(since, until):
            target = row(item["order__sub_type"], item["name"].removeprefix("stage:"), item["order__department__name"])
            target.passed, target.breached = item["passed"], item["breached"]
            if item["median"] is not None:
                target.median_days = round(item["median"] / DAY_SECONDS, 1)
        return _sorted(rows)
    durations: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for name, sub_type, department, started_at, stopped_at, is_late in stage_clocks(since, until):
        target = row(sub_type, name.removeprefix("stage:"), department)
        target.breached += bool(is_late)
        if stopped_at is not None:
            target.passed += 1
            durations[(sub_type, target.stage, department or "")].append((stopped_at - started_at).total_seconds())
    for key, seconds in durations.items():
        rows[key].median_days = round(statistics.median(seconds) / DAY_SECONDS, 1)
    return _sorted(rows)


def _sorted(rows: dict[tuple[str, str, str], FunnelRow]) -> list[FunnelRow]:
    order = {stage: index for index, stage in enumerate(Stage.values)}
    types = {value: index for index, value in enumerate(ConnectionType.values)}
    return sorted(rows.values(), key=lambda r: (types.get(r.connection_type, 9), order.get(r.stage, 9), r.department))
