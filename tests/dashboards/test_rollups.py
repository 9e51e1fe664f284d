from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from dashboards import registry, rollups
from dashboards.models import DailyFigure, Grain, Level, SummedTree
from tests.dashboards.conftest import DAY, closed_order
from tests.factories import DepartmentFactory


def _sum(measure: str, **filters: object) -> tuple[Decimal, Decimal]:
    rows = DailyFigure.objects.filter(measure=measure, grain=Grain.DAY, **filters)
    if "level" not in filters:
        rows = rows.exclude(level=Level.SUBTREE)  # a unit's own rows, not the ones summed up its tree
    totals = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return totals["n"], totals["d"]


def test_on_time_counts_met_clocks_of_stopped_clocks_per_department_grid_and_person(figures, station, grid, charlie):
    assert _sum("on_time", level=Level.DEPARTMENT, department=station) == (3, 4)
    assert _sum("on_time", level=Level.GRID, grid=grid) == (3, 4)
    assert _sum("on_time", level=Level.PERSON, person=charlie) == (3, 4)
    row = DailyFigure.objects.filter(measure="on_time", department=station, grain=Grain.DAY).first()
    assert row.key == "service_application|resolution" and row.day == DAY.date()


def test_satisfaction_and_the_nine_characteristics_are_shares_of_4_or_5(figures, station):
    assert _sum("satisfaction", department=station, level=Level.DEPARTMENT) == (2, 3)
    assert _sum("characteristic", department=station, key="timeliness") == (2, 3)
    assert _sum("characteristic", department=station, key="courtesy") == (3, 3)
    assert not DailyFigure.objects.filter(measure="characteristic", key="economy").exists()


def test_a_rebuild_replaces_the_days_it_covers_and_no_others(figures, grid, station):
    before = DailyFigure.objects.count()
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    assert DailyFigure.objects.count() == before
    closed_order(grid=grid, department=station, met=False, at=DAY + timedelta(days=5))
    rollups.rebuild(DAY.date() + timedelta(days=5), DAY.date() + timedelta(days=6), measures=["on_time"])
    assert _sum("on_time", level=Level.DEPARTMENT, department=station) == (3, 5)


def _of(measure: str, level: str, unit: object, grain: str) -> tuple[Decimal, Decimal]:
    rows = DailyFigure.objects.filter(measure=measure, level=level, department=unit, grain=grain)
    totals = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return totals["n"], totals["d"]


def test_a_unit_s_subtree_rows_sum_its_own_and_every_unit_s_below_it_in_every_grain(figures, company, station, west):
    for grain in Grain.values:
        assert _of("on_time", Level.SUBTREE, station, grain) == (3, 4)
        assert _of("on_time", Level.SUBTREE, west, grain) == (0, 1)
        assert _of("on_time", Level.SUBTREE, company, grain) == (3, 5)
        assert _of("on_time", Level.DEPARTMENT, company, grain) == (None, None)  # nothing of its own
    assert SummedTree.objects.get().parents == rollups.unit_tree()


def test_a_unit_moved_under_another_has_every_day_summed_up_its_new_tree_at_the_next_refresh(figures, company, west):
    branch = DepartmentFactory(code="C0001-09", name="北区分公司", parent=company)
    west.parent = branch
    west.save()
    rollups.refresh_recent()  # today's few days, far from the figures' own: every subtree row is summed again
    for grain in Grain.values:
        assert _of("on_time", Level.SUBTREE, branch, grain) == (0, 1)
        assert _of("on_time", Level.SUBTREE, company, grain) == (3, 5)
    assert SummedTree.objects.get().parents == rollups.unit_tree()


def test_a_measure_registered_by_another_app_is_rolled_up_with_the_rest(figures, station):
    def source(d: object) -> str:
        return (
            f"SELECT 'x' AS key, {d.day('o.closed_at')} AS day, o.department_id, o.grid_id, NULL AS person_id, "
            "1 AS num, 1 AS den FROM services_workorder o WHERE o.closed_at >= %(since)s AND o.closed_at < %(until)s"
        )

    measure = registry.Measure("test_closed", "Closed (test)", registry.Unit.COUNT, "test", source)
    registry.register(measure)
    try:
        rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1), measures=["test_closed"])
        assert _sum("test_closed", department=station) == (4, 4)
    finally:
        registry.MEASURES.pop("test_closed")


def test_the_beat_task_refreshes_the_recent_days(db, grid, station, time_machine):
    time_machine.move_to(DAY + timedelta(days=1))
    closed_order(grid=grid, department=station, met=True)
    from dashboards.tasks import refresh_daily_figures

    assert refresh_daily_figures() > 0
    assert _sum("on_time", level=Level.DEPARTMENT, department=station) == (1, 1)


def test_a_month_row_and_a_week_row_sum_their_days_and_a_period_reads_the_widest_rows_it_holds(figures, station):
    from datetime import date

    from dashboards.queries import span_parts, summed

    rows = DailyFigure.objects.filter(measure="on_time", level=Level.DEPARTMENT, department=station)
    month, week = rows.get(grain=Grain.MONTH), rows.get(grain=Grain.WEEK)
    assert month.day == date(2026, 6, 1) and (month.numerator, month.denominator) == (3, 4)
    assert week.day == date(2026, 6, 8) and (week.numerator, week.denominator) == (3, 4)  # DAY is a Wednesday
    for start, end in [(date(2026, 5, 20), date(2026, 7, 1)), (date(2026, 6, 5), date(2026, 6, 20))]:
        parts = span_parts(start, end)
        sums = summed(parts, ["department_id"], level=Level.DEPARTMENT, units=None, measures=["on_time"])
        assert (station.pk, Decimal(3), Decimal(4)) in sums
    assert [part.grain for part in span_parts(date(2026, 5, 20), date(2026, 7, 1)) if part.sign > 0] == [
        Grain.MONTH,
        Grain.WEEK,
    ]
    assert [part.grain for part in span_parts(date(2026, 6, 5), date(2026, 6, 20))] == [
        Grain.WEEK,
        Grain.DAY,
        Grain.DAY,
    ]
    # Tuesday to Saturday: the week less its Monday and its Sunday; two days inside one week stay days.
    assert [(part.grain, part.sign) for part in span_parts(date(2026, 6, 9), date(2026, 6, 14))] == [
        (Grain.WEEK, 1),
        (Grain.DAY, -1),
        (Grain.DAY, -1),
    ]
    assert [part.grain for part in span_parts(date(2026, 6, 9), date(2026, 6, 11))] == [Grain.DAY]


def _days_of(parts: list) -> dict:
    """Each day's weight in a sum of signed parts."""
    from dashboards.queries import Part

    weights: dict = {}
    for part in parts:
        assert isinstance(part, Part)
        if part.grain == Grain.MONTH:
            assert part.start.day == 1 and part.end.day == 1
        if part.grain == Grain.WEEK:
            assert part.start.weekday() == 0 and part.end.weekday() == 0
        day = part.start
        while day < part.end:
            weights[day] = weights.get(day, 0) + part.sign
            day += timedelta(days=1)
    return {day: weight for day, weight in weights.items() if weight}


def test_a_range_is_read_as_whole_months_weeks_and_days_added_or_taken_away_that_cover_each_of_its_days_once():
    """Every range of up to 100 days starting on any day of a year (no database): the parts' days, counted with
    their signs, are exactly the range's, and they read no more rows than adding forward did."""
    from datetime import date

    from dashboards.queries import span_parts, weeks_and_days

    first = date(2026, 1, 1)
    for offset in range(0, 365, 2):
        start = first + timedelta(days=offset)
        for length in (1, 2, 5, 6, 7, 8, 13, 27, 30, 31, 45, 62, 89, 90, 100):
            end = start + timedelta(days=length)
            parts = span_parts(start, end)
            assert _days_of(parts) == {start + timedelta(days=n): 1 for n in range(length)}, (start, end)
            assert len(weeks_and_days(start, end)) <= 3
            assert _days_of(weeks_and_days(start, end)) == _days_of(parts)
            assert sum(part.blocks for part in parts) <= _forward_blocks(start, end), (start, end)
    # 3 September to 1 December: September to November less two days, and a day.
    parts = span_parts(date(2026, 9, 3), date(2026, 12, 2))
    assert [(p.grain, p.start, p.end, p.sign) for p in parts] == [
        (Grain.MONTH, date(2026, 9, 1), date(2026, 12, 1), 1),
        (Grain.DAY, date(2026, 9, 1), date(2026, 9, 3), -1),
        (Grain.DAY, date(2026, 12, 1), date(2026, 12, 2), 1),
    ]


def _forward_blocks(start, end) -> int:
    """The rows per key the earlier reading took: whole months inside, then whole weeks, then days, never back."""
    from dashboards.queries import weeks_and_days

    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end.replace(day=1)
    if first >= last:
        return sum(part.blocks for part in weeks_and_days(start, end))
    months = (last.year - first.year) * 12 + last.month - first.month
    return months + sum(p.blocks for p in weeks_and_days(start, first) + weeks_and_days(last, end))


def test_any_period_sums_to_the_same_figures_as_its_day_rows(station, grid):
    """Orders every third day across two months: each range, read as months, weeks and days added or taken away,
    gives what its day rows give, and a unit whose figures were all taken away again is not in the result."""
    from datetime import date

    from dashboards.queries import span_parts, summed

    for n in range(0, 60, 3):
        closed_order(grid=grid, department=station, met=n % 2 == 0, at=DAY - timedelta(days=30) + timedelta(days=n))
    rollups.rebuild(date(2026, 5, 1), date(2026, 8, 1))
    rows = DailyFigure.objects.filter(measure="on_time", level=Level.DEPARTMENT, department=station)
    measured = 0
    for start in [date(2026, 5, 1) + timedelta(days=n) for n in range(0, 70, 4)]:
        for length in (1, 3, 9, 17, 33, 61):
            end = start + timedelta(days=length)
            by_parts = summed(
                span_parts(start, end), ["department_id"], level=Level.DEPARTMENT, units=None, measures=["on_time"]
            )
            by_day = rows.filter(grain=Grain.DAY, day__gte=start, day__lt=end).aggregate(
                n=Sum("numerator"), d=Sum("denominator")
            )
            expected = [(station.pk, by_day["n"], by_day["d"])] if by_day["d"] else []
            assert by_parts == expected, (start, end)
            measured += bool(expected)
    assert measured > 50


def test_an_apps_dashboard_measures_module_is_discovered_without_the_app_importing_dashboards(monkeypatch):
    import sys
    import types

    from dashboards.registry import MEASURES, autodiscover

    module = types.ModuleType("outlets.dashboard_measures")
    module.MEASURES = [
        {"code": "test_found", "label": "Found", "unit": "count", "section": "test", "source": lambda d: ""}
    ]
    monkeypatch.setitem(sys.modules, "outlets.dashboard_measures", module)
    try:
        autodiscover()
        assert MEASURES["test_found"].unit == "count" and MEASURES["test_found"].levels == "d"
    finally:
        MEASURES.pop("test_found", None)
