"""Writing the timeline: the one place that appends TimelineEvent rows (callers hold the order's lock)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from services.models import EventKind, TimelineEvent, WorkOrder


def record(
    order: WorkOrder,
    kind: EventKind,
    *,
    by: User | None,
    old: str = "",
    new: str = "",
    note: str = "",
    public: bool = False,
    at: datetime | None = None,
) -> TimelineEvent:
    """Append one event to the order's timeline."""
    return TimelineEvent.objects.create(
        order=order,
        kind=kind,
        actor=by,
        at=at or timezone.now(),
        old_value=str(old)[:100],
        new_value=str(new)[:100],
        note=note,
        is_public=public,
    )
