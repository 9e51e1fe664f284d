from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from dashboards import registry, rollups
from dashboards.models import DailyFigure, Grain, Level
from tests.dashboards.conftest import DAY, closed_order


def _sum(measure: str, **filters: object) -> tuple[Decimal, Decimal]:
    totals = DailyFigure.objects.filter(measure=measure, grain=Grain.DAY, **filters).aggregate(
        n=Sum("numerator"), d=Sum("denominator")
    )
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

    from dashboards.queries import span

    rows = DailyFigure.objects.filter(measure="on_time", level=Level.DEPARTMENT, department=station)
    month, week = rows.get(grain=Grain.MONTH), rows.get(grain=Grain.WEEK)
    assert month.day == date(2026, 6, 1) and (month.numerator, month.denominator) == (3, 4)
    assert week.day == date(2026, 6, 8) and (week.numerator, week.denominator) == (3, 4)  # DAY is a Wednesday
    read = rows.filter(span(date(2026, 5, 20), date(2026, 7, 1)))
    assert [(row.grain, row.day) for row in read] == [(Grain.MONTH, date(2026, 6, 1))]
    read = rows.filter(span(date(2026, 6, 5), date(2026, 6, 20)))
    assert [(row.grain, row.day) for row in read] == [(Grain.WEEK, date(2026, 6, 8))]
    read = rows.filter(span(date(2026, 6, 9), date(2026, 6, 14)))
    assert [(row.grain, row.day) for row in read] == [(Grain.DAY, date(2026, 6, 10))]


def test_any_period_sums_to_the_same_figures_as_its_day_rows(station, grid):
    """Orders every third day across two months: each range, read as months, weeks and days, gives what its day
    rows give."""
    from datetime import date

    from dashboards.queries import span

    for n in range(0, 60, 3):
        closed_order(grid=grid, department=station, met=n % 2 == 0, at=DAY - timedelta(days=30) + timedelta(days=n))
    rollups.rebuild(date(2026, 5, 1), date(2026, 8, 1))
    rows = DailyFigure.objects.filter(measure="on_time", level=Level.DEPARTMENT, department=station)
    ranges = [
        (date(2026, 5, 11), date(2026, 7, 9)),
        (date(2026, 5, 13), date(2026, 6, 2)),
        (date(2026, 6, 1), date(2026, 7, 1)),
    ]
    ranges += [
        (date(2026, 6, 4), date(2026, 6, 5)),
        (date(2026, 5, 1), date(2026, 8, 1)),
        (date(2026, 6, 15), date(2026, 6, 29)),
    ]
    for start, end in ranges:
        by_span = rows.filter(span(start, end)).aggregate(n=Sum("numerator"), d=Sum("denominator"))
        by_day = rows.filter(grain=Grain.DAY, day__gte=start, day__lt=end).aggregate(
            n=Sum("numerator"), d=Sum("denominator")
        )
        assert by_span == by_day, (start, end)
        assert by_day["d"], (start, end)


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
