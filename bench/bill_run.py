"""Benchmark the bill run on PostgreSQL: `.venv/bin/python bench/bill_run.py [--accounts 1000000]`.

It drops and creates its own database, bench_billing, on postgres://postgres@127.0.0.1:5432/ and touches no
other; migrates; inserts `--accounts` accounts with generate_series (half on the Zhejiang tiered time-of-use
tariff, two in five tiered, one in twenty on Beijing's monthly tiers, one in twenty general industry; one in twenty
prepaid with a top-up) and their readings from January to June (so that June's tiers count the year so far); then
times, in the same run:

- billing June for every account (billing.run.run_bills: bills, lines, ledger debits, prepaid settlement);
- billing June again (the idempotent re-run: every account is billed, nothing is inserted).

The target (issue 14): 1,000,000 accounts in at most 5 minutes on the 2-core machine. The database is dropped at
the end unless --keep.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "bench_billing"
TARGET_SECONDS = 300.0
PERIOD = date(2026, 6, 1)


def setup_django() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{BENCH_DATABASE}"
    os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"  # generating six million readings is one statement
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from portal.celery import app

    app.conf.broker_url = "memory://"


def drop() -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def insert_city(accounts: int) -> None:
    """One department and 台区 per 500 accounts; a customer per account; six months of readings each."""
    from django.db import connection

    tariff = (
        "CASE WHEN n % 20 = 0 THEN 'BJ-RES-TIER' WHEN n % 20 = 1 THEN 'ZJ-GEN-IND' "
        "WHEN n % 10 < 6 THEN 'ZJ-RES-TOU' ELSE 'ZJ-RES-TIER' END"
    )
    statements = [
        "INSERT INTO accounts_department (code, name, kind, parent_id) "
        "VALUES ('B', '基准供电所', 'supply_station', NULL)",
        "INSERT INTO accounts_servicegrid (code, name, area_type, department_id, manager_id) "
        "SELECT 'TQ' || lpad(g::text, 5, '0'), '基准' || g || '号台区', 'urban', d.id, NULL "
        "FROM generate_series(1, %(grids)s) g, accounts_department d",
        "INSERT INTO accounts_customer (kind, name, phone, email, id_number_masked, id_number_digest, "
        "id_tail_digest, created_at) SELECT 'individual', '客户' || n, '', '', '', '', '', now() "
        "FROM generate_series(1, %(accounts)s) n",
        "INSERT INTO accounts_electricityaccount (number, customer_id, address, grid_id, customer_class, "
        "voltage_level, contracted_capacity_kva, tariff_code, is_important, status, suspension, is_prepaid) "
        "SELECT lpad(c.id::text, 10, '0'), c.id, '基准路' || c.id || '号', "
        "(SELECT min(id) FROM accounts_servicegrid) + c.id %% %(grids)s, "
        "CASE WHEN c.id %% 20 = 1 THEN 'lv_non_residential' ELSE 'lv_residential' END, '220v', 8, "
        f"{tariff.replace('n %', 'c.id %%')}, false, 'active', '', c.id %% 20 = 7 FROM accounts_customer c",
        "INSERT INTO accounts_meterreading (account_id, period, total_kwh, peak_kwh, valley_kwh) "
        "SELECT a.id, make_date(2026, m, 1), t.total, t.total - round(t.total * 0.3, 2), round(t.total * 0.3, 2) "
        "FROM accounts_electricityaccount a, generate_series(1, 6) m, "
        "LATERAL (SELECT round((150 + (a.id * 37 + m * 101) %% 500)::numeric + 0.37, 2) AS total) t",
        "INSERT INTO billing_ledgerentry (account_id, kind, amount, note, created_at) "
        "SELECT id, 'adjustment', 300, 'top-up', now() FROM accounts_electricityaccount WHERE is_prepaid",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, {"accounts": accounts, "grids": max(accounts // 500, 1)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    options = parser.parse_args()
    print("load before:", os.getloadavg())
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    insert_city(options.accounts)
    seconds = time.monotonic() - started
    print(f"{options.accounts:,} accounts and {options.accounts * 6:,} readings inserted in {seconds:.1f} s")

    from billing.models import Bill, BillLine
    from billing.run import run_bills

    started = time.monotonic()
    run = run_bills(PERIOD)
    seconds = time.monotonic() - started
    lines = BillLine.objects.count()
    print(f"bill run: {run.bills:,} bills, {lines:,} lines in {seconds:.1f} s ({run.bills / seconds:,.0f} bills/s)")
    print(f"target: {TARGET_SECONDS:.0f} s — {'met' if seconds <= TARGET_SECONDS else 'MISSED'}")
    started = time.monotonic()
    again = run_bills(PERIOD)
    print(f"re-run (idempotent): {again.bills - run.bills} new bills in {time.monotonic() - started:.1f} s")
    print("bills in the database:", f"{Bill.objects.count():,}")
    print("load after:", os.getloadavg())
    if not options.keep:
        drop()


if __name__ == "__main__":
    main()
