"""Delivering outbox rows: render in the recipient's language, send once, retry with backoff, give up.

Each row is delivered in its own transaction with its row locked (SELECT … FOR UPDATE SKIP LOCKED) and its
state checked again under the lock, so two workers given the same row (the on-commit task and the periodic
pass, or two passes) send it once: the second skips it while it is locked and finds it sent afterwards.
The functions here are plain; services.tasks wraps them as Celery tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from services import events
from services.gateways import sms_backend
from services.models import EventKind, Notification, NotificationChannel, NotificationState
from services.notifications import render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_AFTER = timedelta(minutes=1)  # then 2, 4, 8 minutes: the periodic pass runs every minute
# The on-commit task delivers fresh rows; the periodic pass leaves them to it for this long.
PERIODIC_PASS_GRACE = timedelta(seconds=30)
BATCH_SIZE = 100


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling from FIRST_RETRY_AFTER."""
    return FIRST_RETRY_AFTER * 2 ** (attempts - 1)


def _due(now: datetime) -> Q:
    return Q(state=NotificationState.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def message_id(row: Notification) -> str:
    """The row's id for the gateway: the same on every attempt, so that a repeat is recognised as one."""
    return f"notification-{row.pk}"


def _send(row: Notification) -> None:
    """Hand the rendered message to its channel; raise when the channel did not take it.

    Both channels carry the row's stable id (services.gateways.SmsBackend explains why): an SMS gateway as its
    idempotency key, e-mail as the Message-ID, by which mail servers and clients drop a repeat.
    """
    if row.channel == NotificationChannel.EMAIL:
        address = row.address or (row.recipient.email if row.recipient else "")
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "portal.local"
        headers = {"Message-ID": f"<{message_id(row)}@{domain}>"}
        EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers).send()
    elif row.channel == NotificationChannel.SMS:
        phone = row.address or (row.recipient.phone if row.recipient else "")
        sms_backend().send(phone, row.body, message_id=message_id(row))
    # The inbox needs no sending: a sent inbox row is the message in the recipient's inbox.


def deliver(notification_id: int) -> bool:
    """Deliver one outbox row if it is still due; return whether it was sent now."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "order")
            .filter(_due(now), pk=notification_id)
            .first()
        )
        if row is None:  # sent, failed, not yet due, or being delivered by another worker right now
            return False
        row.attempts += 1
        try:
            row.subject, row.body = render(row.template, row.context, row.language)
            _send(row)
        except Exception as error:  # any rendering, gateway or mail failure: retry later, or give up
            _record_failure(row, error, now)
            return False
        row.state, row.sent_at, row.last_error, row.next_attempt_at = NotificationState.SENT, now, "", None
        row.save(update_fields=["subject", "body", "attempts", "state", "sent_at", "last_error", "next_attempt_at"])
        if row.order_id and row.channel != NotificationChannel.INBOX:
            # The order's audit trail says what the customer or staff were told, and how.
            events.record(row.order, EventKind.NOTIFICATION_SENT, by=None, new=row.channel, note=row.subject, at=now)
    return True


def _record_failure(row: Notification, error: Exception, now: datetime) -> None:
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    if row.attempts >= MAX_ATTEMPTS:
        row.state, row.next_attempt_at = NotificationState.FAILED, None
        logger.error("Notification %s failed after %d attempts: %s", row.pk, row.attempts, row.last_error)
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
        logger.warning("Notification %s attempt %d failed: %s", row.pk, row.attempts, row.last_error)
    row.save(update_fields=["subject", "body", "attempts", "state", "last_error", "next_attempt_at"])


def deliver_notifications(ids: Iterable[int]) -> int:
    """Deliver the given outbox rows (queued on commit by services.notifications); return how many were sent."""
    return sum(deliver(pk) for pk in ids)


def deliver_pending_notifications() -> int:
    """Deliver every due row that is not brand new (the broker was down, or a retry is due); return how many."""
    now = timezone.now()
    due = Notification.objects.filter(_due(now), created_at__lte=now - PERIODIC_PASS_GRACE).order_by("pk")
    sent, after = 0, 0
    while batch := list(due.filter(pk__gt=after).values_list("pk", flat=True)[:BATCH_SIZE]):
        sent += deliver_notifications(batch)
        after = batch[-1]
    return sent
