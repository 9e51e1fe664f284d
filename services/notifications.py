"""Composing notifications: the templates, the outbox rows, and who hears of what.

`notify` and `notify_contact` only write outbox rows (services.models.Notification) and ask for delivery after
the transaction commits; services.delivery renders and sends them. A message is rendered in its recipient's
language at delivery, so the context holds codes and times (a status code, an ISO due time), never text.

If the broker is down when a row is queued, the row simply stays pending: the periodic pass
(services.delivery.deliver_pending_notifications) delivers it once the broker is back. The dedupe key, unique in
the database, makes sure the same event never makes the same message twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError

from accounts.models import Department, Role, User
from services import kinds, sla
from services.models import Notification, NotificationChannel, NotificationState, WorkOrder
from services.templatetags.deadlines import deadline

logger = logging.getLogger(__name__)

try:  # The Redis client is there whenever the broker is Redis; without it there is nothing of it to catch.
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover
    _RedisError = KombuError

# What publishing a task raises when the broker cannot be reached (kombu wraps most of them in OperationalError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, _RedisError, OSError)


@dataclass(frozen=True)
class MessageTemplate:
    """A subject and body in English (translated at delivery), with %(name)s placeholders from the context."""

    subject: Promise
    body: Promise


# The backbone's messages, for every kind; a kind adds its own (services.kinds.Kind.messages). Placeholders:
# number, kind_label, status_label, clock_label, level, percent, due_at (local time), link, note, name. A
# placeholder missing from the context renders as an empty string.
TEMPLATES: dict[str, MessageTemplate] = {
    # To the customer.
    "order_accepted": MessageTemplate(
        _("Your request %(number)s has been received"),
        _("We have received your %(kind_label)s request %(number)s and will keep you informed. %(link)s"),
    ),
    "order_resolved": MessageTemplate(
        _("Your request %(number)s has been dealt with"),
        _("Your %(kind_label)s request %(number)s has been dealt with: %(note)s %(link)s"),
    ),
    "order_status_changed": MessageTemplate(
        _("Your request %(number)s: %(status_label)s"),
        _("Your %(kind_label)s request %(number)s is now: %(status_label)s. %(link)s"),
    ),
    "order_closed": MessageTemplate(
        _("Your request %(number)s is closed"),
        _("Your %(kind_label)s request %(number)s is closed. Thank you for your patience. %(link)s"),
    ),
    "return_visit_link": MessageTemplate(
        _("How did we do on %(number)s?"),
        _(
            "Your request %(number)s is closed. Please tell us how satisfied you are; the link works once "
            "and for 14 days: %(link)s"
        ),
    ),
    "staff_message": MessageTemplate(
        _("A message about your request %(number)s"),
        _("About your request %(number)s: %(note)s %(link)s"),
    ),
    # To staff.
    "customer_message": MessageTemplate(
        _("The customer wrote about %(number)s"),
        _("The customer wrote about the %(kind_label)s work order %(number)s: %(note)s %(link)s"),
    ),
    "order_assigned": MessageTemplate(
        _("Work order %(number)s is assigned to you"),
        _("The %(kind_label)s work order %(number)s has been assigned to you. %(link)s"),
    ),
    "order_transferred": MessageTemplate(
        _("Work order %(number)s transferred to your department"),
        _("The %(kind_label)s work order %(number)s has been transferred to your department: %(note)s %(link)s"),
    ),
    "order_chased": MessageTemplate(
        _("The customer is chasing %(number)s"),
        _("The customer has chased the %(kind_label)s work order %(number)s. %(note)s %(link)s"),
    ),
    "sla_warning": MessageTemplate(
        _("Time limit warning on %(number)s: %(clock_label)s"),
        _(
            "The %(kind_label)s work order %(number)s has used %(percent)s%% of its time for %(clock_label)s "
            "(warning level %(level)s). It is due at %(due_at)s. %(link)s"
        ),
    ),
    "sla_breach": MessageTemplate(
        _("Time limit breached on %(number)s: %(clock_label)s"),
        _(
            "The %(kind_label)s work order %(number)s has missed its time limit for %(clock_label)s, which was "
            "due at %(due_at)s. %(link)s"
        ),
    ),
}


def template_named(name: str) -> MessageTemplate | None:
    """The backbone's message of that name, or a kind's (services.kinds.Kind.messages)."""
    return TEMPLATES.get(name) or kinds.message_templates().get(name)


class _Blank(dict[str, Any]):
    """A context in which a missing placeholder renders empty instead of failing the delivery."""

    def __missing__(self, key: str) -> str:
        return ""


def _clock_label(name: str) -> str:
    """The clock's label (services.sla) as it reads inside a sentence: "arrival on site"."""
    label = sla.clock_label(name)
    return label[:1].lower() + label[1:]


def _local_time(value: str) -> str:
    """A due time as the pages show it (services.templatetags.deadlines): a midnight end reads 24:00."""
    return deadline(datetime.fromisoformat(value))


def _placeholders(context: dict[str, Any]) -> _Blank:
    """The context with its codes turned into labels in the active language."""
    values = _Blank(context)
    if context.get("kind"):
        values["kind_label"] = kinds.kind_label(context["kind"])
    if context.get("status"):
        values["status_label"] = kinds.status_label(context["status"])
    if context.get("clock"):
        values["clock_label"] = _clock_label(context["clock"])
    if context.get("due_at"):
        values["due_at"] = _local_time(context["due_at"])
    return values


def render(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Return the subject and body of `template` with `context`, in `language`."""
    message = template_named(template)
    with translation.override(language):
        values = _placeholders(context)
        subject = str(message.subject) % values
        body = str(message.body) % values
    # A placeholder left empty (no link) would leave a trailing space or a doubled one.
    return " ".join(subject.split())[:200], " ".join(body.split())


def order_context(order: WorkOrder | None) -> dict[str, Any]:
    """What every message about an order can say: its number, kind and status (as codes)."""
    if order is None:
        return {}
    return {"number": order.number or str(order.pk), "kind": order.kind, "status": order.status}


def _json_safe(context: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in context.items()}


def _addresses(user: User, channels: Iterable[str] | None) -> dict[str, str]:
    """The channels this user can be reached on (of those asked for), each with its address."""
    reachable = {
        NotificationChannel.INBOX: "",
        NotificationChannel.EMAIL: user.email,
        NotificationChannel.SMS: user.phone,
    }
    wanted = set(channels) if channels is not None else set(reachable)
    return {
        channel: address
        for channel, address in reachable.items()
        if channel in wanted and (address or channel == NotificationChannel.INBOX)
    }


def notify(
    order: WorkOrder | None,
    *,
    template: str,
    recipients: Iterable[User | None],
    context: dict[str, Any] | None = None,
    channels: Iterable[str] | None = None,
    dedupe: str,
) -> int:
    """Write one outbox row per recipient and channel, and deliver them after commit; return the rows created.

    By default a user gets the inbox, plus e-mail and SMS where they have an address. Calling again with the
    same `dedupe` creates nothing: the row's key is f"{dedupe}:{recipient.pk}:{channel}".
    """
    if template_named(template) is None:
        raise KeyError(f"No notification template {template!r}")
    channels = list(channels) if channels is not None else None
    full_context = _json_safe(order_context(order) | (context or {}))
    rows, seen = [], set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel, address in _addresses(user, channels).items():
            rows.append(
                Notification(
                    recipient=user,
                    address=address,
                    channel=channel,
                    template=template,
                    context=full_context,
                    language=user.language or settings.LANGUAGE_CODE,
                    order=order,
                    dedupe_key=f"{dedupe}:{user.pk}:{channel}",
                )
            )
    return queue(rows)


def notify_contact(
    order: WorkOrder | None, *, template: str, phone: str, context: dict[str, Any] | None = None, dedupe: str
) -> int:
    """Send an SMS to someone with no login (a caller who left a phone number), in the portal's language."""
    if template_named(template) is None:
        raise KeyError(f"No notification template {template!r}")
    if not phone:
        return 0
    row = Notification(
        address=phone,
        channel=NotificationChannel.SMS,
        template=template,
        context=_json_safe(order_context(order) | (context or {})),
        language=settings.LANGUAGE_CODE,
        order=order,
        dedupe_key=f"{dedupe}:{phone}:{NotificationChannel.SMS}",
    )
    return queue([row])


def queue(rows: list[Notification]) -> int:
    """Insert the rows whose dedupe key is new and deliver them after commit; return how many were inserted.

    A fixed number of queries whatever the number of rows. Every row needs a dedupe_key: that is what makes a
    repeated event (a retried task, two sweeps at once) harmless.
    """
    now = timezone.now()
    by_key: dict[str, Notification] = {}
    for row in rows:
        if not row.dedupe_key:
            raise ValueError("Every notification needs a dedupe_key.")
        row.created_at = row.created_at or now
        by_key.setdefault(row.dedupe_key, row)
    if not by_key:
        return 0
    insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_portable
    ids = insert(list(by_key.values()))
    if ids:
        transaction.on_commit(partial(send_to_worker, ids), robust=True)
    return len(ids)


def _insert_portable(rows: list[Notification]) -> list[int]:
    existing = set(
        Notification.objects.filter(dedupe_key__in=[row.dedupe_key for row in rows]).values_list(
            "dedupe_key", flat=True
        )
    )
    new = [row for row in rows if row.dedupe_key not in existing]
    if not new:
        return []
    # A concurrent transaction may insert the same key between the read and this insert: its row wins.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    new_keys = [row.dedupe_key for row in new]
    pending = Notification.objects.filter(dedupe_key__in=new_keys, state=NotificationState.PENDING)
    return list(pending.values_list("pk", flat=True))


INSERT_COLUMNS = ["recipient_id", "address", "channel", "template", "context", "language", "order_id", "dedupe_key"]
INSERT_TYPES = ["bigint", "text", "text", "text", "jsonb", "text", "bigint", "text"]


def _insert_postgresql(rows: list[Notification]) -> list[int]:
    """One INSERT … SELECT FROM jsonb_to_recordset(one document) ON CONFLICT DO NOTHING RETURNING id.

    bulk_create's Python took over half a second for the 4,800 messages of the benchmark's sweep
    (bench/sweep.py). Arrays unnested did better, but psycopg quotes each element of a text array in Python,
    a regular expression per JSON quote: 0.6 s of the sweep's 1.5 s on the busy 2-core machine. One JSON
    document is encoded in C and quoted once; PostgreSQL parses it in milliseconds.
    """
    document = json.dumps(
        [{column: getattr(row, column) for column in INSERT_COLUMNS} for row in rows], ensure_ascii=False
    )
    record = ", ".join(f"{column} {kind}" for column, kind in zip(INSERT_COLUMNS, INSERT_TYPES, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} ({', '.join(INSERT_COLUMNS)}, subject, body, state, "
            f"attempts, last_error, created_at) SELECT {', '.join(INSERT_COLUMNS)}, '', '', %s, 0, '', %s "
            f"FROM jsonb_to_recordset(%s::jsonb) AS row({record}) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            [NotificationState.PENDING, rows[0].created_at, document],
        )
        return [pk for (pk,) in cursor.fetchall()]


def send_to_worker(ids: list[int]) -> None:
    """Hand the rows to a worker; with the broker down, leave them for the periodic pass instead of failing."""
    from services.tasks import deliver_notifications  # the task module imports this one

    try:
        deliver_notifications.apply_async(args=[ids], retry=False)
    except BROKER_ERRORS as error:
        logger.warning("Broker unavailable, %d notifications left for the periodic pass: %s", len(ids), error)


def _ancestor_ids(department: Department) -> list[int]:
    """The department and its parents, nearest first, in one recursive query."""
    table = Department._meta.db_table
    sql = (
        f"WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM {table} WHERE id = %s "
        f"UNION ALL SELECT d.id, d.parent_id, up.depth + 1 FROM {table} d JOIN up ON d.id = up.parent_id) "
        "SELECT id FROM up ORDER BY depth"
    )
    return [row.pk for row in Department.objects.raw(sql, [department.pk])]


def supervisors_of(order: WorkOrder) -> list[User]:
    """The department managers of the order's department, or of the nearest department above that has one."""
    department = order.department or (order.grid.department if order.grid_id else None)
    if department is None:
        return []
    ancestors = _ancestor_ids(department)
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True, department_id__in=ancestors)
    by_department: dict[int, list[User]] = {}
    for manager in managers.order_by("pk"):
        by_department.setdefault(manager.department_id, []).append(manager)
    nearest = next((pk for pk in ancestors if pk in by_department), None)
    return by_department.get(nearest, [])


def inbox_of(user: User) -> QuerySet[Notification]:
    """The user's in-app messages that have arrived, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INBOX, state=NotificationState.SENT
    ).order_by("-sent_at", "-pk")


def inbox_text(message: Notification) -> tuple[str, str]:
    """The message's text without its link, and the link as a path on this site (the inbox shows it as a link).

    The body holds the absolute link (SITE_URL, for e-mail and SMS); in the portal the link must work on the
    site the reader is on, whatever its address.
    """
    link = (message.context or {}).get("link", "")
    if not link or link not in message.body:
        return message.body, ""
    parts = urlsplit(link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return " ".join(message.body.replace(link, "").split()), path


def unread_count(user: User) -> int:
    """How many of the user's in-app messages are unread (one query)."""
    return inbox_of(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread inbox messages (all, or those in `ids`) read; return how many."""
    unread = inbox_of(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
