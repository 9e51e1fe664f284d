"""Beat tasks of new connections and changes of use (portal.settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from services.connections import resumption


@shared_task
def resume_ended_suspensions() -> int:
    """Resume supply where a requested suspension or temporary removal has ended (idempotent; catches up)."""
    return resumption.resume_ended_suspensions()
