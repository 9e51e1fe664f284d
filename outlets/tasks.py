"""Background work of the hall queue: missed appointments, and the demo hall that moves by itself."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from outlets import actions, demo


@shared_task
def mark_missed_appointments() -> int:
    """Mark bookings whose slot ended without a check-in as missed; beat, every 10 minutes."""
    return actions.mark_missed_appointments()


@shared_task
def move_demo_hall() -> int:
    """Call, serve and issue tickets at the demo hall (settings.OUTLETS_DEMO_HALL) so its board moves; beat,
    every 10 seconds; nothing when the setting is empty (anywhere but `make demo`)."""
    if not settings.OUTLETS_DEMO_HALL:
        return 0
    return demo.move_demo_hall(settings.OUTLETS_DEMO_HALL)
