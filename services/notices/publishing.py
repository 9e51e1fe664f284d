"""Telling every customer on a notice's 台区, in one set-based pass.

One INSERT … SELECT writes the outbox rows (services.models.Notification) straight from the accounts on the
notice's 台区: an in-app message to each linked user, an SMS to each phone and an e-mail to each address (the
linked user's, else the customer's on file). Dedupe keys (notice, revision, event, person or address) are
unique, so a repeated publish, a retried task or two accounts of one person on the same 台区 make one message
each; a change of time bumps the notice's revision and so tells them again. No Python loop over the customers:
100,000 accounts cost one statement (bench/notices.py). The rows are delivered by the outbox's periodic pass
(services.delivery.deliver_pending_notifications), never on the request path.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, Customer, ElectricityAccount, User
from services.models import Notification, NotificationChannel, NotificationState
from services.notices.models import NoticeGrid, OutageNotice

COLUMNS = (
    "recipient_id, address, channel, template, context, language, order_id, dedupe_key, subject, body, state, "
    "attempts, last_error, created_at"
)


def message_context(notice: OutageNotice) -> dict[str, str]:
    """What the messages say: times as the pages show them (local), the area, the reason and the link."""
    local = timezone.localtime
    return {
        "starts_at": f"{local(notice.starts_at):%Y-%m-%d %H:%M}",
        "ends_at": f"{local(notice.ends_at):%Y-%m-%d %H:%M}",
        "area": notice.area,
        "reason": notice.reason,
        "link": settings.SITE_URL.rstrip("/") + reverse("notices:detail", args=[notice.pk]),
    }


def _sql(json_cast: str) -> str:
    accounts, users, customers = (
        ElectricityAccount._meta.db_table,
        User._meta.db_table,
        Customer._meta.db_table,
    )
    on_notice = (
        f"FROM {accounts} a JOIN {NoticeGrid._meta.db_table} ng ON ng.grid_id = a.grid_id "
        f"LEFT JOIN {users} u ON u.id = a.linked_user_id AND u.is_active "
        f"JOIN {customers} c ON c.id = a.customer_id "
        "WHERE ng.notice_id = %s AND a.status <> %s"
    )
    common = f"%s, {json_cast}, COALESCE(NULLIF(u.language, ''), %s), CAST(NULL AS BIGINT)"
    tail = "'', '', %s, 0, '', %s"
    inbox = (
        f"SELECT u.id, '', %s, {common}, %s || CAST(u.id AS TEXT) || ':inbox', {tail} {on_notice} AND u.id IS NOT NULL"
    )
    phone = "COALESCE(NULLIF(u.phone, ''), c.phone)"
    sms = f"SELECT u.id, {phone}, %s, {common}, %s || {phone} || ':sms', {tail} {on_notice} AND {phone} <> ''"
    email = "LOWER(COALESCE(NULLIF(u.email, ''), c.email))"
    mail = f"SELECT u.id, {email}, %s, {common}, %s || {email} || ':email', {tail} {on_notice} AND {email} <> ''"
    return (
        f"INSERT INTO {Notification._meta.db_table} ({COLUMNS}) {inbox} UNION ALL {sms} UNION ALL {mail} "
        "ON CONFLICT (dedupe_key) DO NOTHING"
    )


def tell_affected(notice: OutageNotice, *, template: str, event: str) -> int:
    """Queue `template` to every customer on the notice's 台区; return how many outbox rows were written.

    `event` names what happened (published, changed, cancelled, restored); with the revision it makes the
    dedupe key, so the same event is never told twice and a new one always is.
    """
    context = json.dumps(message_context(notice), ensure_ascii=False)
    key = f"notice:{notice.pk}:{notice.revision}:{event}:"
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    sql = _sql("CAST(%s AS jsonb)" if postgres else "%s")
    where = [notice.pk, AccountStatus.CLOSED]
    tail = [NotificationState.PENDING, now]
    head = [template, context, settings.LANGUAGE_CODE]
    params = [
        NotificationChannel.INBOX, *head, f"{key}u", *tail, *where,
        NotificationChannel.SMS, *head, f"{key}p", *tail, *where,
        NotificationChannel.EMAIL, *head, f"{key}e", *tail, *where,
    ]  # fmt: skip
    if "UNION ALL" in sql and not postgres:
        # SQLite reads the ON CONFLICT of an INSERT … SELECT only after a WHERE; the compound needs wrapping.
        sql = sql.replace(f"({COLUMNS}) ", f"({COLUMNS}) SELECT * FROM (", 1).replace(
            " ON CONFLICT", ") WHERE true ON CONFLICT", 1
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
