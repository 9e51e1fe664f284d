"""Celery tasks delivering the notification outbox (imported by services.tasks so that Celery finds them)."""

from __future__ import annotations

from celery import shared_task

from services import delivery


@shared_task
def deliver_notifications(ids: list[int]) -> int:
    """Deliver the given outbox rows; queued after commit by services.notifications."""
    return delivery.deliver_notifications(ids)


@shared_task
def deliver_pending_notifications() -> int:
    """Deliver the rows nobody delivered (the broker was down) and the retries that are due; beat, every minute."""
    return delivery.deliver_pending_notifications()
