"""Benchmark the anomaly scan on PostgreSQL: `.venv/bin/python bench/anomaly_scan.py [--accounts 1000000]`.

It drops and creates its own database, bench_inspections, on postgres://postgres@127.0.0.1:5432/ and touches no
other; migrates; generates with set-based SQL (generate_series) 2,000 台区, `--accounts` accounts and twelve
months of readings each (a seasonal curve, a per-account level and noise from hashes), with planted anomalies:
every 997th account a theft-like drop to 15 % in the last month, the next a vacant home (0 kWh), the next a
spike (×6); and every 100th 台区 drops to 55 % as a whole in the last month (a holiday-like dip: its households
must not be flagged as drops). Then it times services.inspections.anomalies.scan of the last month and prints
the flags per rule, the recall on the planted accounts and how many unplanted accounts were flagged.
Target (issue 13): ≤ 60 s for 1,000,000 accounts × 12 months on this 2-core machine. `--keep` keeps the database.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "bench_inspections"
TARGET_SECONDS = 60.0
SCANNED = date(2026, 10, 1)  # the last of twelve months, Nov 2025 … Oct 2026
GRIDS = 2000
PLANTED = {"drop": 0, "vacant": 1, "spike": 2}  # account id % 997


def database(name: str, reuse: bool) -> tuple[str, bool]:
    """Drop and create the bench's database, unless `reuse` and it exists; its URL and whether it was kept."""
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (reuse and exists):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    return f"{SERVER_URL}/{name}", bool(reuse and exists)


def setup_django(reuse: bool) -> bool:
    """Point Django at the bench's database and migrate; True if it holds an earlier run's city."""
    os.environ["DATABASE_URL"], kept = database(BENCH_DATABASE, reuse)
    os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"  # generating 12,000,000 rows takes longer than a request may
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return kept


GENERATE = [
    "INSERT INTO accounts_department (code, name, kind, parent_id) VALUES ('B', 'bench', 'supply_station', NULL)",
    f"""INSERT INTO accounts_servicegrid (code, name, area_type, department_id, manager_id)
        SELECT 'G' || g, 'grid ' || g, 'urban',
               (SELECT id FROM accounts_department), NULL
        FROM generate_series(1, {GRIDS}) g""",
    """INSERT INTO accounts_customer
         (kind, name, phone, email, id_number_masked, id_number_digest, id_tail_digest, created_at)
       VALUES ('individual', 'bench', '', '', '', '', '', now())""",
    """INSERT INTO accounts_electricityaccount (number, customer_id, address, grid_id, customer_class, voltage_level,
         contracted_capacity_kva, tariff_code, is_important, status, suspension, is_prepaid)
       SELECT lpad(a::text, 10, '0'), (SELECT id FROM accounts_customer), 'addr',
              (SELECT min(id) FROM accounts_servicegrid) + a %% %(grids)s,
              'lv_residential', '220v', 8.0, 'T', false, 'active', '', false
       FROM generate_series(1, %(accounts)s) a""",
    # Level 80–480 kWh by a hash of the account; a seasonal curve (summer and winter peaks); ±10 %% noise.
    """INSERT INTO accounts_meterreading (account_id, period, total_kwh, peak_kwh, valley_kwh)
       SELECT a.id, p.period, t.kwh, round(t.kwh * t.share, 2), t.kwh - round(t.kwh * t.share, 2)
       FROM accounts_electricityaccount a
       CROSS JOIN (SELECT (date '2025-11-01' + make_interval(months => m))::date AS period, m
                   FROM generate_series(0, 11) m) p
       CROSS JOIN LATERAL (SELECT round(((80 + (hashint8(a.id) & 1023) * 400 / 1023.0)
              * (1 + 0.35 * cos(2 * pi() * (extract(month FROM p.period) - 8) / 6.0) ^ 2)
              * (0.9 + 0.2 * ((hashint8(a.id * 31 + p.m) & 1023) / 1023.0)))::numeric, 2) AS kwh,
              (0.55 + 0.1 * ((hashint8(a.id) >> 10 & 1023) / 1023.0))::numeric AS share) t""",
]

PLANT = [
    # The holiday-like 台区: the whole grid at 55 % in the last month.
    """UPDATE accounts_meterreading r SET total_kwh = round(r.total_kwh * 0.55, 2),
         peak_kwh = round(r.peak_kwh * 0.55, 2), valley_kwh = round(r.valley_kwh * 0.55, 2)
       FROM accounts_electricityaccount a
       WHERE a.id = r.account_id AND r.period = %(scanned)s AND a.grid_id %% 100 = 0""",
    """UPDATE accounts_meterreading SET total_kwh = round(total_kwh * 0.15, 2),
         peak_kwh = round(peak_kwh * 0.15, 2), valley_kwh = round(valley_kwh * 0.15, 2)
       WHERE period = %(scanned)s AND account_id %% 997 = 0""",
    """UPDATE accounts_meterreading SET total_kwh = 0, peak_kwh = 0, valley_kwh = 0
       WHERE period = %(scanned)s AND account_id %% 997 = 1""",
    """UPDATE accounts_meterreading SET total_kwh = total_kwh * 6, peak_kwh = peak_kwh * 6,
         valley_kwh = valley_kwh * 6 WHERE period = %(scanned)s AND account_id %% 997 = 2""",
    "VACUUM ANALYZE",
]


def generate(accounts: int) -> float:
    from django.db import connection

    started = time.monotonic()
    params = {"grids": GRIDS, "accounts": accounts, "scanned": SCANNED}
    with connection.cursor() as cursor:
        for sql in GENERATE + PLANT[:-1]:
            cursor.execute(sql, params)
    connection.close()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(PLANT[-1])
    return time.monotonic() - started


def report(seconds: float) -> None:
    from django.db import connection
    from django.db.models import Count

    from services.inspections.models import AnomalyFlag

    print(f"scan: {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s){'' if seconds <= TARGET_SECONDS else '  MISSED'}")
    for row in AnomalyFlag.objects.values("rule").annotate(n=Count("pk")).order_by("rule"):
        print(f"  flags {row['rule']:<14} {row['n']:>7,}")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FILTER (WHERE account_id % 997 IN (0, 1, 2)),
                      count(*) FILTER (WHERE account_id % 997 NOT IN (0, 1, 2))
               FROM (SELECT DISTINCT account_id FROM inspections_anomalyflag) f"""
        )
        found, unplanted = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM accounts_electricityaccount WHERE id % 997 IN (0, 1, 2)")
        planted = cursor.fetchone()[0]
    print(f"recall on planted: {found:,} of {planted:,} ({100 * found / max(planted, 1):.1f} %)")
    print(f"unplanted accounts flagged: {unplanted:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the bench's database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Scan the city a kept database holds (implies --keep).")
    options = parser.parse_args()
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    from_before = setup_django(options.reuse)
    from services.inspections import anomalies
    from services.inspections.models import AnomalyFlag

    if from_before:
        AnomalyFlag.objects.all().delete()
        print("reusing the kept city")
    else:
        print(f"generated {options.accounts:,} accounts × 12 months in {generate(options.accounts):.0f} s")

    print("load at scan:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    started = time.monotonic()
    anomalies.scan(SCANNED)
    report(time.monotonic() - started)
    if not (options.keep or options.reuse):
        from django.db import connection

        connection.close()
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
