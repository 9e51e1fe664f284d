"""The SLA sweep: raise the warnings and breaches of running clocks, and tell the right people.

Who hears of what (State Grid Hebei's four-level early warning, 四级预警催办): level 1 goes to the assignee;
level 2 also to the supervisor (the department managers of the order's department, or of the nearest
department above it that has one); level 3 and the breach also to the department managers one step above the
supervisor's department. An order with no assignee goes to the supervisor from level 1, so that someone hears.

The sweep works on sets: each batch is a fixed number of queries whatever the number of open clocks or of
clocks crossing a level. Two sweeps at once cannot announce the same level twice: each locks its batch with
SELECT … FOR UPDATE SKIP LOCKED and moves the clocks' alert_at forward before committing, and the outbox's
unique dedupe keys stop a message made twice all the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Department, Role, User
from services import sla
from services.models import (
    Clock,
    ClockState,
    EventKind,
    Notification,
    NotificationChannel,
    TimelineEvent,
)
from services.notifications import order_context, queue

BATCH_SIZE = 5000
BREACH = "breach"  # the dedupe key's level for a breach
TOP_TIER = 3  # the level from which the managers above hear too; a breach is always at it


# What the sweep reads of a clock, its order and the assignee: the rest of the rows is not worth fetching.
SWEPT_FIELDS = [
    *("name", "target", "unit", "warning_levels", "state", "started_at", "due_at"),
    *("warning_level", "alert_at", "breached_at", "order__number", "order__kind", "order__status"),
    *("order__department_id", "order__assigned_to__email", "order__assigned_to__phone"),
    *("order__assigned_to__language", "order__assigned_to__is_active"),
]


@dataclass(frozen=True)
class Crossing:
    """One clock that reached a new warning level (or its breach) in this sweep."""

    clock: Clock
    old_level: int
    level: int
    is_breach: bool


class Hierarchy:
    """The department tree and its managers, read in two queries, for finding supervisors of many orders."""

    def __init__(self) -> None:
        self.parent = dict(Department.objects.values_list("pk", "parent_id"))
        self.managers: dict[int, list[User]] = {}
        for user in User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True).order_by("pk"):
            self.managers.setdefault(user.department_id, []).append(user)

    def nearest_managed(self, department_id: int | None) -> int | None:
        """The department itself or the nearest one above it that has managers."""
        seen = set()
        while department_id is not None and department_id not in seen:
            if department_id in self.managers:
                return department_id
            seen.add(department_id)
            department_id = self.parent.get(department_id)
        return None

    def recipients(self, crossing: Crossing) -> list[User]:
        order = crossing.clock.order
        tier = TOP_TIER if crossing.is_breach else crossing.level
        people = [order.assigned_to] if order.assigned_to and order.assigned_to.is_active else []
        supervised = self.nearest_managed(order.department_id)
        if supervised is not None and (tier >= 2 or not people):
            people += self.managers[supervised]
        if supervised is not None and tier >= TOP_TIER:
            above = self.nearest_managed(self.parent.get(supervised))
            people += self.managers.get(above, [])
        return list({user.pk: user for user in people}.values())


def _channels(user: User) -> list[str]:
    """The inbox always, and e-mail and SMS where the user has the address (as services.notifications.notify)."""
    channels = [NotificationChannel.INBOX]
    if user.email:
        channels.append(NotificationChannel.EMAIL)
    if user.phone:
        channels.append(NotificationChannel.SMS)
    return channels


def _notifications(crossing: Crossing, hierarchy: Hierarchy, now: datetime) -> list[Notification]:
    clock = crossing.clock
    level = BREACH if crossing.is_breach else str(crossing.level)
    context = order_context(clock.order) | {
        "clock": clock.name,
        "level": crossing.level,
        "percent": clock.warning_levels[crossing.level - 1] if crossing.level and not crossing.is_breach else 100,
        "due_at": clock.due_at.isoformat(),
    }
    rows = []
    for user in hierarchy.recipients(crossing):
        for channel in _channels(user):
            address = {NotificationChannel.EMAIL: user.email, NotificationChannel.SMS: user.phone}.get(channel, "")
            rows.append(
                Notification(
                    recipient=user,
                    address=address,
                    channel=channel,
                    template="sla_breach" if crossing.is_breach else "sla_warning",
                    context=context,
                    language=user.language or settings.LANGUAGE_CODE,
                    order_id=clock.order_id,
                    dedupe_key=f"clock:{clock.pk}:level:{level}:{user.pk}:{channel}",
                    created_at=now,
                )
            )
    return rows


def _event(crossing: Crossing, now: datetime) -> TimelineEvent:
    clock = crossing.clock
    values = {"clock": sla.clock_label(clock.name), "level": crossing.level, "due": sla.local_text(clock.due_at)}
    if crossing.is_breach:
        kind, new, note = EventKind.SLA_BREACH, ClockState.BREACHED, gettext("%(clock)s: past its due time %(due)s")
    else:
        kind, new = EventKind.SLA_WARNING, str(crossing.level)
        note = gettext("%(clock)s: warning level %(level)d, due at %(due)s")
    return TimelineEvent(
        order_id=clock.order_id, kind=kind, at=now, old_value=clock.name, new_value=new, note=note % values
    )


def _cross(clock: Clock, now: datetime, calendar: sla.WorkingCalendar) -> Crossing | None:
    """Move the clock to the level it has reached by `now`; the crossing, or None if nothing new came."""
    old = clock.warning_level
    clock.warning_level = sla.reached_level(clock, now, calendar)
    is_breach = now > clock.due_at
    if is_breach:
        clock.breached_at = now
    clock.alert_at = sla.next_alert(clock, calendar)
    if not is_breach and clock.warning_level == old:
        return None
    return Crossing(clock, old, clock.warning_level, is_breach)


def _save_levels(clocks: list[Clock]) -> None:
    """Write the clocks' new levels and alerts in one statement."""
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(clocks, ["warning_level", "alert_at", "breached_at"])
        return
    # Django's bulk_update builds a CASE branch per row and field: for thousands of rows, seconds of Python
    # and a quadratic plan. One JSON document joined by id is one cheap statement, and unlike arrays its
    # quoting costs no Python per element (services.notifications._insert_postgresql says why).
    document = _json(
        [{"id": c.pk, "level": c.warning_level, "alert_at": c.alert_at, "breached_at": c.breached_at} for c in clocks]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Clock._meta.db_table} AS clock SET warning_level = new.level, alert_at = new.alert_at, "
            "breached_at = new.breached_at FROM jsonb_to_recordset(%s::jsonb) "
            "AS new(id bigint, level smallint, alert_at timestamptz, breached_at timestamptz) WHERE clock.id = new.id",
            [document],
        )


EVENT_COLUMNS = {"order_id": "bigint", "kind": "text", "at": "timestamptz", "old_value": "text"}
EVENT_COLUMNS |= {"new_value": "text", "note": "text", "is_public": "boolean"}


def _record_events(rows: list[TimelineEvent]) -> None:
    """Append the sweep's timeline events in one statement (as _save_levels, one JSON document on PostgreSQL).

    services.events.record is the writer of single events; the sweep writes thousands at once, none with an actor.
    """
    if connection.vendor != "postgresql":
        TimelineEvent.objects.bulk_create(rows)
        return
    document = _json([{column: getattr(row, column) for column in EVENT_COLUMNS} for row in rows])
    record = ", ".join(f"{column} {kind}" for column, kind in EVENT_COLUMNS.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TimelineEvent._meta.db_table} ({', '.join(EVENT_COLUMNS)}) "
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM jsonb_to_recordset(%s::jsonb) AS row({record})",
            [document],
        )


def _json(rows: list[dict[str, object]]) -> str:
    """Rows as one JSON document; datetimes in ISO 8601 with their offset, which PostgreSQL reads exactly."""
    return json.dumps(rows, default=lambda value: value.isoformat(), ensure_ascii=False)


def _sweep_batch(now: datetime, batch_size: int) -> int:
    """Raise the levels of one batch of due clocks; return how many crossed."""
    clocks = list(
        Clock.objects.filter(state=ClockState.RUNNING, alert_at__lte=now)
        .select_related("order__assigned_to")
        .only(*SWEPT_FIELDS)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("alert_at")[:batch_size]
    )
    if not clocks:
        return 0
    calendar = sla.WorkingCalendar()
    crossings = [crossing for clock in clocks if (crossing := _cross(clock, now, calendar))]
    _save_levels(clocks)
    if crossings:
        _record_events([_event(crossing, now) for crossing in crossings])
        hierarchy = Hierarchy()
        queue([row for crossing in crossings for row in _notifications(crossing, hierarchy, now)])
    return len(crossings)


def sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Raise every warning and breach that has come by `now`, a batch per transaction; return how many."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            crossed = _sweep_batch(now, batch_size)
        total += crossed
        # A batch in which some clock crossed nothing new (it sat exactly at its due time) ends the run, so a
        # clock left matching cannot loop it; the next minute's sweep takes the rest.
        if crossed < batch_size:
            return total
