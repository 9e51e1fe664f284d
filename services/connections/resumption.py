"""Supply resumes by itself when a suspension (暂停) or temporary removal (暂拆) the customer asked for reaches its
end date.

The end date is the one the change of use gave (ChangeOfUse.end_on), copied into the account's history when the
change was made (AccountChange.end_on): an account suspended at its holder's request, whose latest suspension or
removal in the history ends on or before today, is due. One pass lifts every due account in a fixed number of
statements, whatever their number: the due accounts locked and read in one query (SKIP LOCKED: two runs at once
share them out), one UPDATE, one INSERT of the history rows (kind `resumed`, with the order that suspended the
account) and one of the outbox rows (an in-app message to the linked customer, an SMS to their phone or the
holder's on file). It is idempotent: a lifted account is active and never due again, and the messages' dedupe
keys name the account and the end date. An account cut for arrears (billing's Suspension.ARREARS) is never
lifted here: paying off opens its reconnection (billing).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, ElectricityAccount, Suspension
from services import notifications
from services.connections.models import RESUMED, AccountChange, ChangeType
from services.models import Notification, NotificationChannel

LIFTED = (Suspension.REQUEST, Suspension.REMOVAL)  # never Suspension.ARREARS
ENDING = (ChangeType.SUSPENSION, ChangeType.TEMPORARY_REMOVAL)
FIELDS = (
    "pk",
    "number",
    "suspension",
    "ends_on",
    "suspended_by",
    "linked_user_id",
    "linked_user__is_active",
    "linked_user__language",
    "linked_user__phone",
    "customer__phone",
)


def due(today: date) -> QuerySet[ElectricityAccount]:
    """The accounts suspended at their holder's request whose suspension or removal ends by `today`."""
    latest = AccountChange.objects.filter(account=OuterRef("pk"), change_type__in=ENDING).order_by("-at", "-pk")
    return (
        ElectricityAccount.objects.filter(status=AccountStatus.SUSPENDED, suspension__in=LIFTED)
        .annotate(
            ends_on=Subquery(latest.values("end_on")[:1]),
            suspended_by=Subquery(latest.values("order_id")[:1]),
        )
        .filter(ends_on__lte=today)
    )


def resume_ended_suspensions(*, today: date | None = None) -> int:
    """Resume supply on every account whose requested suspension or removal has ended; return how many."""
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = list(
            due(today).select_for_update(skip_locked=True, of=("self",)).order_by().values_list(*FIELDS, named=True)
        )
        if not rows:
            return 0
        ElectricityAccount.objects.filter(pk__in=[row.pk for row in rows], status=AccountStatus.SUSPENDED).update(
            status=AccountStatus.ACTIVE, suspension=""
        )
        now = timezone.now()
        AccountChange.objects.bulk_create(
            AccountChange(
                account_id=row.pk,
                order_id=row.suspended_by,
                change_type=RESUMED,
                changes={
                    "status": [AccountStatus.SUSPENDED.value, AccountStatus.ACTIVE.value],
                    "suspension": [row.suspension, ""],
                },
                start_on=today,
                at=now,
            )
            for row in rows
        )
        notifications.queue([message for row in rows for message in _messages(row)])
    return len(rows)


def _messages(row: object) -> list[Notification]:
    """The customer's in-app message (if a login holds the account) and an SMS to the phone on file."""
    context = {
        "account": row.number,
        "day": row.ends_on.isoformat(),
        "link": settings.SITE_URL.rstrip("/") + reverse("accounts:detail", args=[row.number]),
    }
    key = f"supply_resumed:{row.pk}:{row.ends_on.isoformat()}"
    user = row.linked_user_id if row.linked_user__is_active else None
    language = (row.linked_user__language if user else "") or settings.LANGUAGE_CODE
    common = {"template": "supply_resumed", "context": context, "language": language, "order_id": row.suspended_by}
    messages = []
    if user:
        messages.append(
            Notification(recipient_id=user, channel=NotificationChannel.INBOX, dedupe_key=f"{key}:inbox", **common)
        )
    phone = (row.linked_user__phone if user else "") or row.customer__phone
    if phone:
        messages.append(
            Notification(
                recipient_id=user,
                address=phone,
                channel=NotificationChannel.SMS,
                dedupe_key=f"{key}:sms",
                **common,
            )
        )
    return messages
