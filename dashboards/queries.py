"""The reads behind every dashboard: sums of DailyFigure rows for a unit's subtree and a period, a fixed
number of queries whatever the period or the city (tests/dashboards/test_views.py counts them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from accounts.models import Department
from dashboards.models import DailyFigure, Level
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


def span(start: date, end: date) -> Q:
    """The rows that sum to the days [start, end): month rows for the whole months, day rows for the edges."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end.replace(day=1)
    if first >= last:
        return Q(is_month=False, day__gte=start, day__lt=end)
    rows = Q(is_month=True, day__gte=first, day__lt=last)
    if start < first:
        rows |= Q(is_month=False, day__gte=start, day__lt=first)
    if last < end:
        rows |= Q(is_month=False, day__gte=last, day__lt=end)
    return rows


def _rows(scope: Scope | None, period: Period, level: str = Level.DEPARTMENT) -> object:
    """The period's rows of a level in the scope's subtree (the whole city without a scope)."""
    rows = DailyFigure.objects.filter(span(period.start, period.end), level=level)
    return rows if scope is None else rows.filter(department_id__in=scope.ids)


def totals(scope: Scope, period: Period) -> Sums:
    """Every measure and key summed over the period and the subtree: one query."""
    rows = _rows(scope, period).values_list("measure", "key").annotate(n=Sum("numerator"), d=Sum("denominator"))
    return {(measure, key): (n or ZERO, d or ZERO) for measure, key, n, d in rows}


def by_unit(scope: Scope, period: Period, measures: list[str]) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """The measures per unit directly below the scope's unit (each with its own subtree): one query."""
    rows = (
        _rows(scope, period)
        .filter(measure__in=measures)
        .values_list("measure", "department_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    result: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    for measure, pk, n, d in rows:
        cell = result[measure][scope.branch_of(pk)]
        cell[0] += n or ZERO
        cell[1] += d or ZERO
    return {m: {pk: (c[0], c[1]) for pk, c in cells.items()} for m, cells in result.items()}


def by_department(scope: Scope, period: Period, measures: list[str]) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """The measures summed per unit of the subtree over the period: one query."""
    rows = (
        _rows(scope, period)
        .filter(measure__in=measures)
        .values_list("measure", "department_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    return {(measure, pk): (n or ZERO, d or ZERO) for measure, pk, n, d in rows}


def daily(scope: Scope, start: date, end: date, measures: list[str]) -> dict[str, dict[date, tuple[Decimal, Decimal]]]:
    """The measures per day over [start, end): one query (the control charts and the targets' trend)."""
    rows = (
        DailyFigure.objects.filter(
            level=Level.DEPARTMENT,
            is_month=False,
            department_id__in=scope.ids,
            day__gte=start,
            day__lt=end,
            measure__in=measures,
        )
        .values_list("measure", "day")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    result: dict[str, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for measure, day, n, d in rows:
        result[measure][day] = (n or ZERO, d or ZERO)
    return result


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
            is_month=True,
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


def monthly(per_day: dict[date, tuple[Decimal, Decimal]]) -> dict[date, tuple[Decimal, Decimal]]:
    months: dict[date, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for day, (n, d) in per_day.items():
        cell = months[day.replace(day=1)]
        cell[0] += n
        cell[1] += d
    return {month: (cell[0], cell[1]) for month, cell in sorted(months.items())}


def by_member(scope: Scope | None, period: Period, level: str, measures: list[str]) -> dict[int, dict[str, tuple]]:
    """The scorecards' measures per 台区 (level g) or person (level p) in the subtree (or the city): one query."""
    column = "grid_id" if level == Level.GRID else "person_id"
    rows = (
        _rows(scope, period, level)
        .filter(measure__in=measures)
        .values_list(column, "measure")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    result: dict[int, dict[str, tuple]] = defaultdict(dict)
    for member, measure, n, d in rows:
        result[member][measure] = (n or ZERO, d or ZERO)
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
