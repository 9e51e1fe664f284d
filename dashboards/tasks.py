"""The dashboards' beat tasks: the recent days' figures, the late orders' count, and the monthly quality report to
the managers."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from dashboards import late, reports, rollups, scorecards


@shared_task
def refresh_daily_figures() -> int:
    """Recompute the last days' daily figures (dashboards.rollups)."""
    return rollups.refresh_recent()


@shared_task
def count_late_orders() -> int:
    """Recount the open orders already late, per unit and kind (dashboards.late)."""
    return late.count_late_orders()


@shared_task
def send_monthly_reports() -> int:
    """On the first working day of a month, tell every unit's managers that last month's report is ready."""
    return reports.send_monthly_reports()


@shared_task
def rescore_months(months: list[str]) -> int:
    """Rescore the scorecards of the months (ISO first days), their weeks, quarters and years: an import changed
    them (a week reads the external figures of the months it touches)."""
    chosen = {}
    for text in months:
        first = date.fromisoformat(text)
        for period in scorecards.scored_periods(first, (first + timedelta(days=32)).replace(day=1)):
            chosen[period.kind, period.start] = period
    return sum(scorecards.write_scores(period) for period in chosen.values())
