"""Beat tasks of the inspections (portal.settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from services.inspections import actions, anomalies, planning


@shared_task
def generate_due_inspections() -> int:
    """Open the inspection orders that fall due under the plans (idempotent; catches up after downtime)."""
    return planning.generate()


@shared_task
def escalate_overdue_rectifications() -> int:
    """Tell supervisors and customers of rectifications past their date, once each."""
    return actions.escalate_overdue_rectifications()


@shared_task
def scan_readings() -> int:
    """Flag the anomalies in last month's readings (a rescan adds nothing)."""
    return anomalies.scan(anomalies.last_read_month())
