"""Background work for work orders. Celery finds the tasks of this module; the outbox's live in
services.tasks_notifications, imported here so that they are found too."""

from __future__ import annotations

from celery import shared_task

from services import (
    escalation,
    tasks_notifications,  # noqa: F401  (registers the delivery tasks with Celery)
)


@shared_task
def sweep_sla_clocks() -> int:
    """Raise the SLA warnings and breaches that have come, and notify by level; beat, every minute."""
    return escalation.sweep()
