"""The dashboards' beat tasks: the recent days' figures, and the monthly quality report to the managers."""

from __future__ import annotations

from celery import shared_task

from dashboards import reports, rollups


@shared_task
def refresh_daily_figures() -> int:
    """Recompute the last days' daily figures (dashboards.rollups)."""
    return rollups.refresh_recent()


@shared_task
def send_monthly_reports() -> int:
    """On the first working day of a month, tell every unit's managers that last month's report is ready."""
    return reports.send_monthly_reports()
