"""The reads behind every dashboard: sums of DailyFigure rows for a unit's subtree and a period, a fixed
number of queries whatever the period or the city (tests/dashboards/test_views.py counts them)."""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, Sum

from accounts.models import Department
from dashboards.models import DailyFigure, Grain, Level
from dashboards.periods import Period
from services.models import GridFigures

ZERO = Decimal(0)
Sums = dict[tuple[str, str], tuple[Decimal, Decimal]]


@dataclass
class Scope:
    """A unit, every unit below it, and how many customers (accounts) they serve."""

    unit: Department
    ids: list[int]
    parent_of: dict[int, int | None]
    names: dict[int, str]
    codes: dict[int, str]
    accounts_of: dict[int, int] = field(default_factory=dict)

    @property
    def accounts(self) -> int:
        return sum(self.accounts_of.values())

    def under(self, top: int, pk: int) -> bool:
        """Whether unit `pk` is `top` or lies below it."""
        while pk is not None:
            if pk == top:
                return True
            pk = self.parent_of.get(pk)
        return False

    def actual_of(
        self, measure: object, sums: dict[tuple[str, int], tuple[Decimal, Decimal]], top: int
    ) -> Decimal | None:
        """A measure's figure for unit `top` and everything below it, from per-unit sums."""
        n = d = ZERO
        for (code, pk), (num, den) in sums.items():
            if code == measure.code and self.under(top, pk):
                n, d = n + num, d + den
        accounts = sum(a for pk, a in self.accounts_of.items() if self.under(top, pk))
        return measure.value(n, d, accounts) if d else None

    def children(self) -> list[int]:
        return sorted((pk for pk, parent in self.parent_of.items() if parent == self.unit.pk), key=self.codes.get)

    def branch_of(self, pk: int) -> int:
        """The unit directly below the scope's unit that `pk` lies under (or the unit itself)."""
        while pk != self.unit.pk and self.parent_of.get(pk) not in (self.unit.pk, None):
            pk = self.parent_of[pk]
        return pk


def scope_for(unit: Department) -> Scope:
    """The subtree (one query) and its accounts per unit from the roll-up of 台区 figures (one query)."""
    rows = list(Department.objects.subtree_of(unit).values_list("pk", "parent_id", "name", "code"))
    scope = Scope(
        unit=unit,
        ids=[row[0] for row in rows],
        parent_of={row[0]: row[1] for row in rows},
        names={row[0]: row[2] for row in rows},
        codes={row[0]: row[3] for row in rows},
    )
    accounts = (
        GridFigures.objects.filter(grid__department_id__in=scope.ids)
        .values_list("grid__department_id")
        .annotate(total=Sum("accounts"))
    )
    scope.accounts_of = {pk: total or 0 for pk, total in accounts}
    return scope


def span_parts(start: date, end: date) -> list[Q]:
    """The rows that sum to the days [start, end), as separate parts: month rows for the whole months, week rows for
    the whole weeks at the edges, day rows for the rest (a 90-day range reads 2 months, 3 weeks and 8 days, not 61
    days)."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end.replace(day=1)
    if first >= last:
        return weeks_and_days(start, end)
    parts = [Q(grain=Grain.MONTH, day__gte=first, day__lt=last)]
    if start < first:
        parts += weeks_and_days(start, first)
    if last < end:
        parts += weeks_and_days(last, end)
    return parts


def weeks_and_days(start: date, end: date) -> list[Q]:
    """The rows that sum to the days [start, end): week rows for its whole weeks, day rows for the rest."""
    monday = start + timedelta(days=-start.weekday() % 7)  # the first Monday on or after the start
    last_monday = end - timedelta(days=end.weekday())  # the Monday of the week the end falls in
    if monday >= last_monday:
        return [Q(grain=Grain.DAY, day__gte=start, day__lt=end)]
    parts = [Q(grain=Grain.WEEK, day__gte=monday, day__lt=last_monday)]
    if start < monday:
        parts.append(Q(grain=Grain.DAY, day__gte=start, day__lt=monday))
    if last_monday < end:
        parts.append(Q(grain=Grain.DAY, day__gte=last_monday, day__lt=end))
    return parts


def span(start: date, end: date) -> Q:
    """span_parts as one condition."""
    return reduce(operator.or_, span_parts(start, end))


def summed(
    parts: list[Q], group: list[str], *, level: str, scope: Scope | None, measures: list[str] | None = None
) -> list[tuple]:
    """The rows of `parts` (of a level, in the scope's subtree or the whole city, of the measures or all) grouped
    by the columns `group`, each with SUM(numerator) and SUM(denominator): one query.

    Each part is a SELECT of its own joined by UNION ALL, so PostgreSQL reads each from a covering index alone
    (`figure_measure_cover_idx`, or `figure_unit_cover_idx` for a subtree's units). As one WHERE with the parts
    OR-ed it gathered the rows through a bitmap and read a table page for nearly every row: 17,600 pages, 176 ms,
    for a 90-day ranking of 2,000 台区 (bench/README.md).
    """
    selects, params = [], []
    for part in parts:
        rows = DailyFigure.objects.filter(part, level=level)
        if scope is not None:
            rows = rows.filter(department_id__in=scope.ids)
        if measures is not None:
            rows = rows.filter(measure__in=measures)
        try:
            sql, part_params = rows.values_list(*group, "numerator", "denominator").query.sql_with_params()
        except EmptyResultSet:  # no measure or no unit asked for: nothing to read
            continue
        selects.append(sql)
        params += part_params
    if not selects:
        return []
    columns = ", ".join(connection.ops.quote_name(column) for column in group)
    # Summed as binary floating point, as SQLite sums them anyway, and read back to the cent by _decimal: PostgreSQL's
    # numeric addition was 30 of the 65 ms of a 90-day ranking's 60,000 rows; the figures have two decimal places
    # and their sums stay far below the 15 significant digits a double keeps exactly.
    value = "CAST({} AS double precision)" if connection.vendor == "postgresql" else "{}"
    numerator, denominator = value.format("numerator"), value.format("denominator")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, SUM({numerator}), SUM({denominator}) FROM ({' UNION ALL '.join(selects)}) parts "
            f"GROUP BY {columns}",
            params,
        )
        return [(*row[:-2], _decimal(row[-2]), _decimal(row[-1])) for row in cursor.fetchall()]


def _decimal(value: object) -> Decimal:
    """A sum of a two-place column, summed as a double, read back to the cent: the nearest two-place decimal, which
    is the exact sum (its error is far below half a cent)."""
    return ZERO if value is None else Decimal(f"{value:.2f}")


def _period_sums(
    scope: Scope | None,
    period: Period,
    group: list[str],
    *,
    level: str = Level.DEPARTMENT,
    measures: list[str] | None = None,
) -> list[tuple]:
    return summed(span_parts(period.start, period.end), group, level=level, scope=scope, measures=measures)


def totals(scope: Scope, period: Period) -> Sums:
    """Every measure and key summed over the period and the subtree: one query."""
    return {(measure, key): (n, d) for measure, key, n, d in _period_sums(scope, period, ["measure", "key"])}


def by_unit(scope: Scope, period: Period, measures: list[str]) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """The measures per unit directly below the scope's unit (each with its own subtree): one query."""
    rows = _period_sums(scope, period, ["measure", "department_id"], measures=measures)
    result: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    for measure, pk, n, d in rows:
        cell = result[measure][scope.branch_of(pk)]
        cell[0] += n
        cell[1] += d
    return {m: {pk: (c[0], c[1]) for pk, c in cells.items()} for m, cells in result.items()}


def by_department(scope: Scope, period: Period, measures: list[str]) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """The measures summed per unit of the subtree over the period: one query."""
    rows = _period_sums(scope, period, ["measure", "department_id"], measures=measures)
    return {(measure, pk): (n, d) for measure, pk, n, d in rows}


def by_week(
    scope: Scope, start: date, end: date, measures: list[str]
) -> dict[str, dict[date, tuple[Decimal, Decimal]]]:
    """The measures per week (keyed by its Monday) over [start, end), `start` a Monday: the week rows, and the
    day rows of a last week cut short by `end`; one query (the control charts)."""
    rows = summed(
        weeks_and_days(start, end), ["measure", "day"], level=Level.DEPARTMENT, scope=scope, measures=measures
    )
    per_day: dict[str, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for measure, day, n, d in rows:
        per_day[measure][_date(day)] = (n, d)
    return {measure: weekly(days) for measure, days in per_day.items()}


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite's raw rows give text


def weekly(per_day: dict[date, tuple[Decimal, Decimal]]) -> dict[date, tuple[Decimal, Decimal]]:
    """Days summed into weeks (keyed by their Monday)."""
    weeks: dict[date, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for day, (n, d) in per_day.items():
        cell = weeks[day - timedelta(days=day.weekday())]
        cell[0] += n
        cell[1] += d
    return {week: (cell[0], cell[1]) for week, cell in sorted(weeks.items())}


def months(scope: Scope, year: int, measures: list[str]) -> dict[str, dict[date, tuple[Decimal, Decimal]]]:
    """The measures per month of a year, from the month rows: one query (the cards' trend)."""
    rows = (
        DailyFigure.objects.filter(
            grain=Grain.MONTH,
            level=Level.DEPARTMENT,
            department_id__in=scope.ids,
            day__year=year,
            measure__in=measures,
        )
        .values_list("measure", "day")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    result: dict[str, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for measure, day, n, d in rows:
        result[measure][day] = (n or ZERO, d or ZERO)
    return {measure: dict(sorted(per.items())) for measure, per in result.items()}


def by_member(scope: Scope | None, period: Period, level: str, measures: list[str]) -> dict[int, dict[str, tuple]]:
    """The scorecards' measures per 台区 (level g) or person (level p) in the subtree (or the city): one query."""
    column = "grid_id" if level == Level.GRID else "person_id"
    result: dict[int, dict[str, tuple]] = defaultdict(dict)
    for member, measure, n, d in _period_sums(scope, period, [column, "measure"], level=level, measures=measures):
        result[member][measure] = (n, d)
    return result


def of_person(person_id: int, period: Period, measures: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """One person's own figures, wherever they were credited: one query."""
    rows = (
        DailyFigure.objects.filter(
            span(period.start, period.end), person_id=person_id, level=Level.PERSON, measure__in=measures
        )
        .values_list("measure")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    return {measure: (n or ZERO, d or ZERO) for measure, n, d in rows}
