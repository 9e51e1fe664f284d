"""Background work of the complaints app. Each task calls a plain function that the tests call directly."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from complaints import figures, meeting_actions


# --- Analysis meetings and improvement actions --------------------------------------------------------------
@shared_task
def open_monthly_meetings() -> int:
    """Open last month's analysis meeting drafts (idempotent); beat, daily, so a missed day catches up."""
    return meeting_actions.open_monthly_meetings(timezone.localdate())


@shared_task
def warn_overdue_actions() -> int:
    """Warn owners and managers of overdue improvement actions, once per action and level; beat, hourly."""
    return meeting_actions.warn_overdue_actions(timezone.localdate())


@shared_task
def refresh_complaint_figures() -> int:
    """Recount the monthly complaint figures the meeting pages read; beat, every ten minutes."""
    return figures.refresh_complaint_figures()
