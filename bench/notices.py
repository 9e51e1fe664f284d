"""Benchmark publishing an outage notice on PostgreSQL: `.venv/bin/python bench/notices.py [--accounts 100000]`.

It drops and creates its own database, portal_bench_notices, on postgres://postgres@127.0.0.1:5432/ and touches
no other; migrates; inserts `--accounts` accounts on `--grids` 台区 with SQL (each customer with a phone of its
own; one account in ten linked to a web user, who gets an in-app message too); then times, in the same run:

- the baseline: a plain INSERT … SELECT of one outbox row per account (no joins to users, no dedupe), the
  least any set-based pass could cost, its rows deleted afterwards;
- publishing a notice on every 台区 (services.notices.actions.publish_notice): one INSERT … SELECT of an inbox
  row per linked user and an SMS per phone, ON CONFLICT on the dedupe keys;
- publishing the same event again (the idempotent re-run: every key exists, nothing is inserted).

The target (issue 11): queue 100,000 messages in at most 30 s.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "portal_bench_notices"
TARGET_SECONDS = 30.0


def setup_django(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from portal.celery import app

    app.conf.broker_url = "memory://"


def insert_city(accounts: int, grids: int) -> None:
    """One department, `grids` 台区, a customer per account, one account in ten linked to a user."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_department (code, name, kind, parent_id) VALUES ('B', '基准供电所', 'station', NULL)"
        )
        cursor.execute(
            "INSERT INTO accounts_servicegrid (code, name, area_type, department_id, manager_id) "
            "SELECT 'TQ' || lpad(g::text, 5, '0'), '基准' || g || '号台区', 'urban', d.id, NULL "
            "FROM generate_series(1, %s) g, accounts_department d",
            [grids],
        )
        cursor.execute(
            "INSERT INTO accounts_customer (kind, name, phone, email, id_number_masked, id_number_digest, created_at) "
            "SELECT 'individual', '客户' || n, '13' || lpad(n::text, 9, '0'), '', '', '', now() "
            "FROM generate_series(1, %s) n",
            [accounts],
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, full_name, role, phone, language, is_available) "
            "SELECT '!', false, 'u' || n, '', '', '', false, true, now(), '', 'customer', "
            "'15' || lpad(n::text, 9, '0'), 'zh-hans', true FROM generate_series(1, %s / 10) n",
            [accounts],
        )
        cursor.execute(
            "INSERT INTO accounts_electricityaccount (number, customer_id, address, grid_id, customer_class, "
            "voltage_level, contracted_capacity_kva, tariff_code, is_important, status, linked_user_id, linked_at) "
            "SELECT lpad(c.id::text, 10, '0'), c.id, '基准路' || c.id || '号', "
            "(SELECT min(id) FROM accounts_servicegrid) + c.id %% %s, 'lv_residential', '220v', 8, 'ZJ-RES-TIER', "
            "false, 'active', u.id, CASE WHEN u.id IS NULL THEN NULL ELSE now() END "
            "FROM accounts_customer c LEFT JOIN accounts_user u ON u.username = 'u' || (c.id / 10) AND c.id %% 10 = 0",
            [grids],
        )
        cursor.execute("ANALYZE")


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def baseline() -> int:
    """The same number of outbox rows by the plainest INSERT … SELECT, then removed."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO services_notification (recipient_id, address, channel, template, context, language, "
            "order_id, dedupe_key, subject, body, state, attempts, last_error, created_at) "
            "SELECT a.linked_user_id, c.phone, 'sms', 'outage_notice', '{}'::jsonb, 'zh-hans', NULL, "
            "'baseline:' || a.id, '', '', 'pending', 0, '', now() "
            "FROM accounts_electricityaccount a JOIN accounts_customer c ON c.id = a.customer_id"
        )
        return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=200)
    parser.add_argument("--database", default=BENCH_DATABASE)
    arguments = parser.parse_args()
    setup_django(arguments.database)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, ServiceGrid, User
    from services.models import Notification
    from services.notices import actions

    call_command("migrate", verbosity=0)
    _, seeded = timed(lambda: insert_city(arguments.accounts, arguments.grids))
    manager = User.objects.create(
        username="bench-manager", role=Role.DEPARTMENT_MANAGER, department=ServiceGrid.objects.first().department
    )
    starts = timezone.now() + timedelta(days=8)
    notice = actions.draft_notice(
        by=manager, kind="planned", starts_at=starts, ends_at=starts + timedelta(hours=6),
        reason="基准检修", area="基准全城", grids=list(ServiceGrid.objects.all()),
    )  # fmt: skip

    base_rows, base_seconds = timed(baseline)
    Notification.objects.filter(dedupe_key__startswith="baseline:").delete()
    _, publish_seconds = timed(lambda: actions.publish_notice(notice, by=manager))
    queued = Notification.objects.filter(dedupe_key__startswith=f"notice:{notice.pk}:").count()
    again, again_seconds = timed(
        lambda: actions.publishing.tell_affected(notice, template="outage_notice", event="published")
    )
    figures = {
        "database": f"{connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version}",
        "accounts": arguments.accounts,
        "台区": arguments.grids,
        "seed seconds": f"{seeded:.1f}",
        "baseline rows (plain INSERT … SELECT)": base_rows,
        "baseline seconds": f"{base_seconds:.2f}",
        "messages queued by the publish": queued,
        "publish seconds": f"{publish_seconds:.2f}",
        "publish / baseline": f"{publish_seconds / base_seconds:.1f}",
        "messages per second": f"{queued / publish_seconds:.0f}",
        "re-publish rows inserted": again,
        "re-publish seconds": f"{again_seconds:.2f}",
        f"target (100,000 messages in at most {TARGET_SECONDS:.0f} s)": (
            "met" if publish_seconds * 100_000 / max(queued, 1) <= TARGET_SECONDS else "MISSED"
        ),
    }
    sys.stdout.writelines(f"{label}: {value}\n" for label, value in figures.items())


if __name__ == "__main__":
    main()
