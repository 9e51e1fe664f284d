"""The daily figures: every measure's source summed per day into DailyFigure, set-based, one INSERT … SELECT
per measure and level; never a loop over orders. The week and month rows are then summed from the day rows (one
INSERT … SELECT each), so a period reads whole months, whole weeks and only its few remaining days. Each unit's own
rows are also summed up its tree (level s, `subtree_rows`), so a unit's dashboard reads its own rows only.

`refresh_recent` (beat, every ten minutes) recomputes the last days, which is where events still land (a visit
recorded today, a clock stopped an hour ago); `rebuild` (the `rebuild_rollups` command) recomputes any range.
Both then rescore the scorecards of the months, quarters and years the days touch (dashboards.scorecards).
"""

from __future__ import annotations

import operator
import re
from datetime import date, timedelta
from functools import reduce

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from accounts.models import Department
from dashboards import registry, scorecards
from dashboards.dialect import Dialect, one_writer
from dashboards.models import SLOT_COLUMNS, DailyFigure, Grain, Level, MemberSums, SummedTree
from services import sla

RECENT_DAYS = 3
_PARAM = re.compile(r"%\((since|until)\)s")
_COLUMNS = {
    Level.DEPARTMENT: ("key", "department_id", "NULL", "NULL"),
    Level.GRID: ("''", "department_id", "grid_id", "NULL"),
    Level.PERSON: ("''", "department_id", "NULL", "person_id"),
}
_NOT_NULL = {Level.DEPARTMENT: "department_id", Level.GRID: "grid_id", Level.PERSON: "person_id"}


def _statement(measure: registry.Measure, level: str, dialect: Dialect) -> str:
    key, department, grid, person = _COLUMNS[Level(level)]
    groups = ", ".join(
        column
        for column in ("key" if key == "key" else "", "day", department, grid, person)
        if column and column != "NULL"
    )
    return (
        f"INSERT INTO {DailyFigure._meta.db_table} "
        "(measure, key, level, day, department_id, grid_id, person_id, grain, numerator, denominator) "
        f"SELECT %s, {key}, %s, day, {department}, {grid}, {person}, %s, SUM(num), SUM(den) "
        f"FROM ({measure.source(dialect)}) s WHERE day IS NOT NULL AND {_NOT_NULL[Level(level)]} IS NOT NULL "
        f"GROUP BY {groups}"
    )


def _params(sql: str, measure: str, level: str, since: object, until: object) -> tuple[str, list[object]]:
    """The statement with positional placeholders, and its parameters in their order."""
    bounds = {"since": since, "until": until}
    params: list[object] = [measure, level, Grain.DAY.value]
    params += [bounds[name] for name in _PARAM.findall(sql)]
    return _PARAM.sub("%s", sql), params


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _sum_up(cursor: object, grain: str, start: object, first: date, end: date, codes: list[str]) -> int:
    """Recompute the rows of `grain` (week or month) whose first day lies in [first, end) from the day rows;
    `start` is the SQL of a day row's week or month."""
    DailyFigure.objects.filter(grain=grain, day__gte=first, day__lt=end, measure__in=codes).delete()
    table = DailyFigure._meta.db_table
    marks = ", ".join(["%s"] * len(codes))
    cursor.execute(
        f"INSERT INTO {table} (measure, key, level, day, department_id, grid_id, person_id, grain, numerator, "
        f"denominator) SELECT measure, key, level, {start}, department_id, grid_id, person_id, %s, SUM(numerator), "
        f"SUM(denominator) FROM {table} WHERE grain = %s AND day >= %s AND day < %s AND measure IN ({marks}) "
        f"GROUP BY measure, key, level, {start}, department_id, grid_id, person_id",
        [grain, Grain.DAY.value, first, end, *codes],
    )
    return max(cursor.rowcount, 0)


def _weeks(cursor: object, dialect: Dialect, since: date, until: date, codes: list[str]) -> int:
    """Recompute the week rows of every week the days [since, until) touch."""
    first, end = _monday(since), _monday(until - timedelta(days=1)) + timedelta(days=7)
    return _sum_up(cursor, Grain.WEEK.value, dialect.week("day"), first, end, codes)


def _months(cursor: object, dialect: Dialect, since: date, until: date, codes: list[str]) -> int:
    """Recompute the month rows of every month the days [since, until) touch."""
    first, end = _month_start(since), _next_month(until - timedelta(days=1))
    return _sum_up(cursor, Grain.MONTH.value, dialect.month("day"), first, end, codes)


def subtree_rows(
    cursor: object, grain: str, since: date | None = None, until: date | None = None, codes: list[str] | None = None
) -> int:
    """Write the subtree rows (level s) of `grain` whose day lies in [since, until) (every day when not given), of
    the measures `codes` (every one when not given), from the units' own rows (level d): a unit's row sums its own
    and those of every unit below it. The dashboards then read one unit's rows, not its whole subtree's: the
    company's year summed 8,700 rows of 22 units, each period again (bench/README.md)."""
    units, table = Department._meta.db_table, DailyFigure._meta.db_table
    conditions, params = ["f.level = %s", "f.grain = %s"], [Level.DEPARTMENT.value, grain]
    if since is not None and until is not None:
        conditions += ["f.day >= %s", "f.day < %s"]
        params += [since, until]
    if codes is not None:
        conditions.append(f"f.measure IN ({', '.join(['%s'] * len(codes))})")
        params += codes
    cursor.execute(
        f"WITH RECURSIVE tree(top_id, unit_id) AS (SELECT id, id FROM {units} "
        f"UNION ALL SELECT tree.top_id, u.id FROM {units} u JOIN tree ON u.parent_id = tree.unit_id) "
        f"INSERT INTO {table} (measure, key, level, day, department_id, grid_id, person_id, grain, numerator, "
        "denominator) SELECT f.measure, f.key, %s, f.day, tree.top_id, NULL, NULL, f.grain, SUM(f.numerator), "
        f"SUM(f.denominator) FROM {table} f JOIN tree ON tree.unit_id = f.department_id "
        f"WHERE {' AND '.join(conditions)} GROUP BY f.measure, f.key, f.day, tree.top_id, f.grain",
        [Level.SUBTREE.value, *params],
    )
    return max(cursor.rowcount, 0)


def unit_tree() -> str:
    """The unit tree as text, each unit with its parent: what the subtree rows were summed over."""
    pairs = Department.objects.order_by("pk").values_list("pk", "parent_id")
    return " ".join(f"{pk}:{'' if parent is None else parent}" for pk, parent in pairs)


def resum_subtrees(cursor: object, tree: str | None = None) -> int:
    """Every subtree row, of every grain and day, summed again over the unit tree as it is now (`tree`, when the
    caller has just read it); remembered."""
    DailyFigure.objects.filter(level=Level.SUBTREE).delete()
    written = sum(subtree_rows(cursor, grain) for grain in Grain.values)
    SummedTree.objects.all().delete()
    SummedTree.objects.create(parents=unit_tree() if tree is None else tree)
    return written


def member_sums(cursor: object, since: date | None = None, until: date | None = None) -> int:
    """Rewrite the MemberSums rows of the day, week and month rows that the days [since, until) touch (every row
    when no days are given) from the DailyFigure rows, a month of days at a time: one DELETE and one INSERT …
    SELECT per level each, so that no statement of a 400-day rebuild runs long (as one statement it outran the
    30-second statement timeout the command shares with the web)."""
    if since is None or until is None:
        MemberSums.objects.all().delete()
        bounds = DailyFigure.objects.aggregate(first=Min("day"), last=Max("day"))
        if bounds["first"] is None:
            return 0
        since, until = _month_start(bounds["first"]), bounds["last"] + timedelta(days=1)
    written = 0
    while since < until:
        end = min(until, _next_month(since))
        written += _member_sums_of(cursor, since, end)
        since = end
    return written


def _member_sums_of(cursor: object, since: date, until: date) -> int:
    table, source = MemberSums._meta.db_table, DailyFigure._meta.db_table
    spans = _touched(since, until)
    MemberSums.objects.filter(
        reduce(operator.or_, (Q(grain=grain, day__gte=first, day__lt=end) for grain, first, end in spans))
    ).delete()
    where = " OR ".join(["(grain = %s AND day >= %s AND day < %s)"] * len(spans))
    bounds = [value for span in spans for value in span]
    written = 0
    for level, codes in ((Level.GRID, scorecards.GRID_MEASURES), (Level.PERSON, scorecards.STAFF_MEASURES)):
        sums = [
            f"COALESCE(SUM({column}) FILTER (WHERE measure = %s), 0)"
            for _code in codes
            for column in ("numerator", "denominator")
        ]
        columns = ", ".join(SLOT_COLUMNS[: len(sums)])
        cursor.execute(
            f"INSERT INTO {table} (level, grain, day, department_id, grid_id, person_id, {columns}) "
            f"SELECT level, grain, day, department_id, grid_id, person_id, {', '.join(sums)} FROM {source} "
            f"WHERE level = %s AND measure IN ({', '.join(['%s'] * len(codes))}) AND ({where}) "
            "GROUP BY level, grain, day, department_id, grid_id, person_id",
            [*[code for code in codes for _column in range(2)], level.value, *codes, *bounds],
        )
        written += max(cursor.rowcount, 0)
    return written


def _touched(since: date, until: date) -> list[tuple[str, date, date]]:
    """The day, week and month rows the days [since, until) are summed into, as (grain, first day, end)."""
    last = until - timedelta(days=1)
    return [
        (Grain.DAY.value, since, until),
        (Grain.WEEK.value, _monday(since), _monday(last) + timedelta(days=7)),
        (Grain.MONTH.value, _month_start(since), _next_month(last)),
    ]


def rebuild(since: date, until: date, *, measures: list[str] | None = None) -> int:
    """Recompute the figures of the days [since, until); return how many rows were written."""
    dialect = Dialect()
    start, end = dialect.bound(sla.start_of(since)), dialect.bound(sla.start_of(until))
    chosen = [m for m in registry.MEASURES.values() if measures is None or m.code in measures]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        one_writer()
        stale = DailyFigure.objects.filter(grain=Grain.DAY, day__gte=since, day__lt=until)
        stale.filter(measure__in=[m.code for m in chosen]).delete()
        for measure in chosen:
            for level in measure.levels:
                sql, params = _params(_statement(measure, level, dialect), measure.code, level, start, end)
                cursor.execute(sql, params)
                written += max(cursor.rowcount, 0)
        codes = [m.code for m in chosen]
        written += subtree_rows(cursor, Grain.DAY.value, since, until, codes)
        written += _weeks(cursor, dialect, since, until, codes) + _months(cursor, dialect, since, until, codes)
        # A unit added, moved or removed since the subtree rows were summed: every day's are summed again.
        tree = unit_tree()
        if not SummedTree.objects.filter(parents=tree).exists():
            written += resum_subtrees(cursor, tree)
        written += member_sums(cursor, since, until)
        # The scorecards' rankings read these figures: rescored with them, never behind them.
        for period in scorecards.scored_periods(since, until):
            written += scorecards.write_scores(period)
    vacuum()
    return written


def vacuum() -> None:
    """Mark the figures' pages all-visible again, on PostgreSQL and outside a transaction (VACUUM cannot run in
    one: inside a caller's or a test's it is left to autovacuum). The dashboards read the covering indexes alone
    only where a page is all-visible, and replacing a month's rows touches a page of nearly every month and week
    row: until vacuumed, a year's dashboard fetched each of its 8,000 rows from the table (bench/README.md)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {DailyFigure._meta.db_table}, {MemberSums._meta.db_table}")


def refresh_recent(days: int = RECENT_DAYS) -> int:
    """Recompute the last `days` days and today."""
    today = timezone.localdate()
    return rebuild(today - timedelta(days=days), today + timedelta(days=1))
