"""Background work for work orders: the SLA sweep and the delivery of the notification outbox.

Each task takes ids or nothing and calls a plain function (services.escalation, services.delivery), which the
tests call directly.
"""

from __future__ import annotations

from celery import shared_task

from services import delivery, escalation, figures, idempotency


@shared_task
def sweep_sla_clocks() -> int:
    """Raise the SLA warnings and breaches that have come, and notify by level; beat, every minute."""
    return escalation.sweep()


@shared_task
def deliver_notifications(ids: list[int]) -> int:
    """Deliver the given outbox rows; queued after commit by services.notifications."""
    return delivery.deliver_notifications(ids)


@shared_task
def deliver_pending_notifications() -> int:
    """Deliver the rows nobody delivered (the broker was down) and the retries that are due; beat, every minute."""
    return delivery.deliver_pending_notifications()


@shared_task
def purge_idempotency_keys() -> int:
    """Forget the idempotency keys older than a day; beat, hourly."""
    return idempotency.purge_expired()


@shared_task
def refresh_grid_figures() -> int:
    """Recount customers, accounts and open orders per 台区 for the home pages; beat, every five minutes."""
    return figures.refresh_grid_figures()
