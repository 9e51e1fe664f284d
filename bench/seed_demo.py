"""Benchmark `manage.py seed_demo` on PostgreSQL: `.venv/bin/python bench/seed_demo.py [--accounts 100000]`.

With DATABASE_URL set it seeds that database as it is; otherwise it drops and creates its own database,
portal_bench, on postgres://postgres@127.0.0.1:5432/ and touches no other. It migrates, seeds, then seeds
again with the same arguments (the idempotent re-run, which finds everything present), and prints the figures
one per line. The target (issue 2): 100,000 accounts with 12 months of readings in at most 120 s.
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "portal_bench"
TARGET_RATE = 100_000 / 120  # accounts per second


def fresh_database() -> str:
    """Drop and create portal_bench, and return its URL."""
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return f"{SERVER_URL}/{BENCH_DATABASE}"


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL: unset DATABASE_URL or point it at PostgreSQL.")


def timed_seed(accounts: int, seed: int) -> float:
    from django.core.management import call_command

    started = time.monotonic()
    # Accounts and readings only: the year of work orders has its own figures in bench/queue_page.py.
    call_command("seed_demo", accounts=accounts, seed=seed, orders=0, stdout=StringIO())
    return time.monotonic() - started


def figures(first: float, rerun: float) -> dict[str, object]:
    from django.db import connection

    from accounts.models import Customer, ElectricityAccount, MeterReading

    accounts = ElectricityAccount.objects.count()
    readings = MeterReading.objects.count()
    rows = accounts + readings + Customer.objects.count()
    return {
        "database": f"{connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version}",
        "accounts": accounts,
        "readings": readings,
        "seconds": f"{first:.1f}",
        "accounts/s": f"{accounts / first:.0f}",
        "rows/s": f"{rows / first:.0f} (customers, accounts and readings)",
        "re-run seconds": f"{rerun:.1f}",
        "first run / re-run": f"{first / rerun:.0f}",
        "target (100,000 accounts in at most 120 s: 834 accounts/s)": "met"
        if accounts / first >= TARGET_RATE
        else "MISSED",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    first = timed_seed(arguments.accounts, arguments.seed)
    rerun = timed_seed(arguments.accounts, arguments.seed)
    sys.stdout.writelines(f"{label}: {value}\n" for label, value in figures(first, rerun).items())


if __name__ == "__main__":
    main()
