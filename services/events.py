"""Writing the timeline, the one place that appends TimelineEvent rows (callers hold the order's lock), and
reading its coded values as words for the pages and the admin."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from services import kinds
from services.models import ClockState, EventKind, NotificationChannel, Priority, TimelineEvent, WorkOrder


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


CLOCK_EVENTS = frozenset(
    {
        EventKind.CLOCK_STARTED,
        EventKind.CLOCK_PAUSED,
        EventKind.CLOCK_RESUMED,
        EventKind.CLOCK_STOPPED,
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACH,
    }
)


def value_labels(event: TimelineEvent) -> tuple[str, str]:
    """The event's old and new values as labels in the active language: none may reach a page as a raw code.

    Values are codes: a status, a clock's name and its state or warning level (services.sla,
    services.escalation), a priority, a notification channel; anything else is shown as it was written.
    """
    from services.sla import clock_label  # services.sla records its events through this module

    kind, old, new = event.kind, event.old_value, event.new_value
    if kind == EventKind.STATUS_CHANGED:
        return kinds.status_label(old), kinds.status_label(new)
    if kind in CLOCK_EVENTS:
        stopped = kind == EventKind.CLOCK_STOPPED and new in ClockState.values
        return "", f"{clock_label(old)} · {ClockState(new).label}" if stopped else clock_label(old)
    if kind == EventKind.PRIORITY_CHANGED:
        return _choice_label(Priority, old), _choice_label(Priority, new)
    if kind == EventKind.NOTIFICATION_SENT:
        return "", _choice_label(NotificationChannel, new)
    return old, new


def _choice_label(choices: type, value: str) -> str:
    """The label of a stored choice (a priority stored as text, a channel), or the value if it is none of them."""
    for choice in choices:
        if str(choice.value) == str(value):
            return str(choice.label)
    return value
