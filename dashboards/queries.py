"""The reads behind every dashboard: sums of DailyFigure rows for a unit's subtree and a period, a fixed
number of queries whatever the period or the city (tests/dashboards/test_views.py counts them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from accounts.models import Department
from dashboards.models import SLOT_COLUMNS, DailyFigure, Grain, Level, MemberSums
from dashboards.periods import Period
from services.models import GridFigures

ZERO = Decimal(0)
NO_CENTS = Decimal("0.00")
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

    def below(self) -> list[int]:
        """The units a breakdown by unit shows: those directly below, or the unit itself when none is."""
        return self.children() or [self.unit.pk]

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


@dataclass(frozen=True)
class Part:
    """The rows of one grain whose day lies in [start, end), added to a sum (sign 1) or taken from it (sign -1)."""

    grain: str
    start: date
    end: date
    sign: int = 1
    tag: int = 0  # which of several periods summed in one query the part belongs to (summed's `tagged`)

    @property
    def blocks(self) -> int:
        """How many rows per unit, key and measure the part reads: its months, weeks or days."""
        if self.grain == Grain.MONTH:
            return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return (self.end - self.start).days // (7 if self.grain == Grain.WEEK else 1)


def span_parts(start: date, end: date) -> list[Part]:
    """The fewest rows that sum to the days [start, end): whole months, whole weeks and days, each edge reached from
    the nearer boundary, forward or back. A range from 3 September to 1 December reads September, October and
    November less 1 and 2 September, and 1 December: six rows per unit, key and measure where adding forward only
    read 2 months, 3 weeks and 8 days, thirteen (bench/README.md). A month row sums its days, so the result is the
    same."""
    options = [weeks_and_days(start, end, signed=True)]
    for first in sorted({_month_floor(start), _month_ceil(start)}):
        for last in sorted({_month_floor(end), _month_ceil(end)}):
            if first < last:
                edges = _between(start, first, _weeks) + _between(last, end, _weeks)
                options.append([Part(Grain.MONTH, first, last), *edges])
    return _cheapest(options)


def weeks_and_days(start: date, end: date, *, signed: bool = False) -> list[Part]:
    """The rows that sum to the days [start, end) as week rows and day rows: the whole weeks inside it and the days
    outside them, or (signed) whichever weeks and days are fewest, a week's days taken away where fewer than those
    added (by_week groups by day and reads them unsigned)."""
    if signed:
        return _weeks(start, end)
    monday, last_monday = _monday_ceil(start), _monday_floor(end)
    if monday >= last_monday:
        return _days(start, end)
    return [*_days(start, monday), Part(Grain.WEEK, monday, last_monday), *_days(last_monday, end)]


def _weeks(start: date, end: date) -> list[Part]:
    options = [_days(start, end)]
    for first in sorted({_monday_floor(start), _monday_ceil(start)}):
        for last in sorted({_monday_floor(end), _monday_ceil(end)}):
            if first < last:
                options.append(
                    [Part(Grain.WEEK, first, last), *_between(start, first, _days), *_between(last, end, _days)]
                )
    return _cheapest(options)


def _days(start: date, end: date) -> list[Part]:
    return [Part(Grain.DAY, start, end)] if start < end else []


def _between(start: date, end: date, parts_of: Callable[[date, date], list[Part]]) -> list[Part]:
    """The parts of [start, end), or taken away where `end` comes first (the sum of [end, start) less)."""
    if end < start:
        return [replace(part, sign=-part.sign) for part in parts_of(end, start)]
    return parts_of(start, end)


def _cheapest(options: list[list[Part]]) -> list[Part]:
    return min(options, key=lambda parts: (sum(part.blocks for part in parts), sum(p.sign < 0 for p in parts)))


def _month_floor(day: date) -> date:
    return day.replace(day=1)


def _month_ceil(day: date) -> date:
    return day if day.day == 1 else (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _monday_floor(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _monday_ceil(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def summed(
    parts: list[Part],
    group: list[str],
    *,
    level: str,
    units: list[int] | None,
    measures: list[str] | None = None,
    person: int | None = None,
    cents: bool = False,
    tagged: bool = False,
) -> list[tuple]:
    """The rows of `parts` (of a level, of the units `units` or the whole city, of the measures or all, of one
    person or all) grouped by the columns `group`, each with SUM(numerator) and SUM(denominator), as two-place
    decimals or (cents) whole cents: one query. A group whose sums are both nothing is left out, as a group whose
    days were taken away again is. Tagged, each row begins with its part's tag, and the tags are summed apart.

    Each part is a SELECT of its own joined by UNION ALL, so PostgreSQL reads each from a covering index alone
    (`figure_measure_cover_idx`, or `figure_unit_cover_idx` for a subtree's units). As one WHERE with the parts
    OR-ed it gathered the rows through a bitmap and read a table page for nearly every row: 17,600 pages, 176 ms,
    for a 90-day ranking of 2,000 台区 (bench/README.md). The SQL is written here rather than by the ORM, which
    spent a fifth of a dashboard's time building the same few conditions again for every part.
    """
    if not parts or (units is not None and not units) or (measures is not None and not measures):
        return []
    quote = connection.ops.quote_name
    conditions, shared = [], []
    if units is not None:
        conditions.append(f"department_id IN ({_marks(units)})")
        shared += units
    if measures is not None:
        conditions.append(f"measure IN ({_marks(measures)})")
        shared += measures
    if person is not None:
        conditions.append("person_id = %s")
        shared.append(person)
    selected = ", ".join(quote(column) for column in group)
    columns = f"tag, {selected}" if tagged else selected
    table = quote(DailyFigure._meta.db_table)
    where = " AND ".join(["level = %s", "grain = %s", "day >= %s", "day < %s", *conditions])
    selects, params = [], []
    for part in parts:
        sign = "-" if part.sign < 0 else ""
        tag = f"{part.tag:d} AS tag, " if tagged else ""
        selects.append(
            f"SELECT {tag}{selected}, {sign}numerator AS n, {sign}denominator AS d FROM {table} WHERE {where}"
        )
        params += [level, part.grain, _day(part.start), _day(part.end), *shared]
    # Summed as binary floating point, as SQLite sums them anyway, and read back to the cent: PostgreSQL's numeric
    # addition was 30 of the 65 ms of a 90-day ranking's 60,000 rows; the figures have two decimal places and their
    # sums stay far below the 15 significant digits a double keeps exactly.
    if connection.vendor == "postgresql":
        n, d = "SUM(CAST(n AS double precision))", "SUM(CAST(d AS double precision))"
        read = "CAST(ROUND({} * 100) AS bigint)" if cents else "{}"
    else:
        n, d = "SUM(n)", "SUM(d)"
        read = "CAST(ROUND({} * 100) AS INTEGER)" if cents else "{}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, {read.format(n)}, {read.format(d)} FROM ({' UNION ALL '.join(selects)}) parts "
            f"GROUP BY {columns} HAVING ABS({n}) >= 0.005 OR ABS({d}) >= 0.005",
            params,
        )
        rows = cursor.fetchall()
    if cents:
        return rows
    return [(*row[:-2], _decimal(row[-2]), _decimal(row[-1])) for row in rows]


def _decimal(value: object) -> Decimal:
    """A sum of a two-place column, summed as a double, read back to the cent: the nearest two-place decimal, which
    is the exact sum (its error is far below half a cent; a sum whose days were taken away again is zero, not a
    negative zero)."""
    if value is None:
        return ZERO
    if -0.005 < value < 0.005:
        return NO_CENTS
    return Decimal(f"{value:.2f}")


def _period_sums(
    scope: Scope | None,
    period: Period,
    group: list[str],
    *,
    level: str = Level.DEPARTMENT,
    measures: list[str] | None = None,
) -> list[tuple]:
    units = None if scope is None else scope.ids
    return summed(span_parts(period.start, period.end), group, level=level, units=units, measures=measures)


def totals(scope: Scope, *periods: Period) -> list[Sums]:
    """Every measure and key summed over the subtree for each of the periods (a period and the one before it):
    one query for all of them, over the unit's subtree rows."""
    parts = [replace(part, tag=i) for i, period in enumerate(periods) for part in span_parts(period.start, period.end)]
    result: list[Sums] = [{} for _period in periods]
    whole = [scope.unit.pk]
    for tag, measure, key, n, d in summed(parts, ["measure", "key"], level=Level.SUBTREE, units=whole, tagged=True):
        result[tag][(measure, key)] = (n, d)
    return result


def by_unit(scope: Scope, period: Period, measures: list[str]) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """The measures per unit directly below the scope's unit (each with its own subtree; the unit itself when
    nothing is below it): one query over their subtree rows."""
    parts = span_parts(period.start, period.end)
    rows = summed(parts, ["measure", "department_id"], level=Level.SUBTREE, units=scope.below(), measures=measures)
    result: dict[str, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for measure, pk, n, d in rows:
        result[measure][pk] = (n, d)
    return dict(result)


def by_department(scope: Scope, period: Period, measures: list[str]) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """The measures summed per unit of the subtree over the period: one query."""
    rows = _period_sums(scope, period, ["measure", "department_id"], measures=measures)
    return {(measure, pk): (n, d) for measure, pk, n, d in rows}


def by_week(
    scope: Scope, start: date, end: date, measures: list[str]
) -> dict[str, dict[date, tuple[Decimal, Decimal]]]:
    """The measures per week (keyed by its Monday) over [start, end), `start` a Monday: the week rows, and the
    day rows of a last week cut short by `end`; one query (the control charts)."""
    parts = weeks_and_days(start, end)
    rows = summed(parts, ["measure", "day"], level=Level.SUBTREE, units=[scope.unit.pk], measures=measures)
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
    year_part = Part(Grain.MONTH, date(year, 1, 1), date(year + 1, 1, 1))
    rows = summed([year_part], ["measure", "day"], level=Level.SUBTREE, units=[scope.unit.pk], measures=measures)
    result: dict[str, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for measure, day, n, d in rows:
        result[measure][_date(day)] = (n, d)
    return {measure: dict(sorted(per.items())) for measure, per in result.items()}


def by_member(scope: Scope | None, period: Period, level: str, measures: list[str]) -> dict[int, dict[str, tuple]]:
    """The scorecards' measures per 台区 (level g) or person (level p) in the subtree (or the city): one query."""
    column = "grid_id" if level == Level.GRID else "person_id"
    result: dict[int, dict[str, tuple]] = defaultdict(dict)
    for member, measure, n, d in _period_sums(scope, period, [column, "measure"], level=level, measures=measures):
        result[member][measure] = (n, d)
    return result


def member_sums(scope: Scope, period: Period, level: str, codes: list[str]) -> dict[int, tuple[int, ...]]:
    """Each 台区's (level g) or person's (level p) sums of the scorecard's measures `codes` (scorecards.GRID_MEASURES
    or STAFF_MEASURES, the order of MemberSums' slots) over the period, in whole cents, numerator and denominator of
    each measure in turn: one query over one row per member and part of the period, for ranking every member of a
    subtree on request."""
    if not scope.ids:
        return {}
    column = "grid_id" if level == Level.GRID else "person_id"
    slots = SLOT_COLUMNS[: 2 * len(codes)]
    where = f"level = %s AND grain = %s AND day >= %s AND day < %s AND department_id IN ({_marks(scope.ids)})"
    selects, params = [], []
    for part in span_parts(period.start, period.end):
        sign = "-" if part.sign < 0 else ""
        values = ", ".join(f"{sign}{slot} AS {slot}" for slot in slots)
        selects.append(f"SELECT {column} AS member, {values} FROM {MemberSums._meta.db_table} WHERE {where}")
        params += [level, part.grain, _day(part.start), _day(part.end), *scope.ids]
    integer = "bigint" if connection.vendor == "postgresql" else "INTEGER"
    sums = ", ".join(f"CAST(ROUND(SUM({slot}) * 100) AS {integer})" for slot in slots)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT member, {sums} FROM ({' UNION ALL '.join(selects)}) parts GROUP BY member", params)
        rows = cursor.fetchall()
    return {row[0]: row[1:] for row in rows}


def _marks(values: list[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _day(value: date) -> object:
    return connection.ops.adapt_datefield_value(value)


def of_person(person_id: int, period: Period, measures: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """One person's own figures, wherever they were credited: one query."""
    parts = span_parts(period.start, period.end)
    rows = summed(parts, ["measure"], level=Level.PERSON, units=None, measures=measures, person=person_id)
    return {measure: (n, d) for measure, n, d in rows}
