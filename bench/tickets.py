"""Benchmark issuing queue tickets on PostgreSQL: `.venv/bin/python bench/tickets.py [--threads 16] [--tickets 2000]`.

It drops and creates its own database, portal_bench_tickets, on postgres://postgres@127.0.0.1:5432/ and touches
no other; migrates; creates one hall open all day with 16 queue services; then `--threads` threads issue
`--tickets` tickets through outlets.actions.issue_ticket, twice:

- baseline: each thread issues for a service of its own, so no two ever wait on the same numbering row;
- hot row: every thread issues for the same service, so every issue waits its turn on one TicketNumber row
  (the rush on the payment queue at opening time).

For each it prints tickets a second and the p50/p95/p99 latency of one issue, checks that the numbers given are
all distinct (the hot row must give 1..N exactly), and prints the hot row's throughput as a share of the
baseline's.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "portal_bench_tickets"
PREFIXES = "ABCDEFGHIJKLMNOP"


def setup_django() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{BENCH_DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_hall() -> tuple[object, list[object]]:
    from datetime import time as clock

    from accounts.models import Department, DepartmentKind
    from outlets.models import OpeningHours, Outlet, QueueService

    department = Department.objects.create(code="B", name="bench", kind=DepartmentKind.SUPPLY_STATION)
    hall = Outlet.objects.create(
        code="B1", name="bench hall", department=department, district="-", address="-", latitude=0, longitude=0,
        opens_on_holidays=True,
    )  # fmt: skip
    services = [QueueService.objects.create(code=f"s{p}", name=p, prefix=p) for p in PREFIXES]
    hall.services.set(services)
    OpeningHours.objects.bulk_create(
        OpeningHours(outlet=hall, weekday=d, opens_at=clock(0), closes_at=clock(23, 59, 59)) for d in range(7)
    )
    return hall, services


def run(hall: object, services: list[object], threads: int, tickets: int, *, hot: bool) -> dict[str, float]:
    from django.db import connection

    from outlets import actions
    from outlets.models import Ticket, TicketNumber

    Ticket.objects.all().delete()
    TicketNumber.objects.all().delete()
    start = threading.Barrier(threads)
    share = tickets // threads

    def worker(n: int) -> list[tuple[float, str]]:
        service = services[0] if hot else services[n % len(services)]
        done = []
        try:
            start.wait()
            for _ in range(share):
                began = time.perf_counter()
                ticket = actions.issue_ticket(hall, service, by=None, source="kiosk")
                done.append((time.perf_counter() - began, f"{service.prefix}{ticket.number}"))
        finally:
            connection.close()
        return done

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = [row for rows in pool.map(worker, range(threads)) for row in rows]
    seconds = time.perf_counter() - began
    latencies = sorted(latency * 1000 for latency, _code in results)
    codes = [code for _latency, code in results]
    assert len(set(codes)) == len(codes), "two tickets got the same number"
    if hot:
        assert sorted(int(code[1:]) for code in codes) == list(range(1, len(codes) + 1))
    cut = statistics.quantiles(latencies, n=100)
    return {"n": len(codes), "per_s": len(codes) / seconds, "p50": cut[49], "p95": cut[94], "p99": cut[98]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--tickets", type=int, default=2000)
    options = parser.parse_args()
    setup_django()
    hall, services = make_hall()
    from django.db import connection

    print(f"database: {BENCH_DATABASE} on PostgreSQL {connection.pg_version}; threads: {options.threads}")
    figures = {}
    for name, hot in (("baseline (a service per thread)", False), ("hot row (one service)", True)):
        figures[name] = row = run(hall, services, options.threads, options.tickets, hot=hot)
        print(
            f"{name}: {row['n']} tickets, {row['per_s']:.0f}/s, "
            f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, p99 {row['p99']:.1f} ms, numbers distinct"
        )
    base, hot_row = figures.values()
    print(f"hot row / baseline throughput: {hot_row['per_s'] / base['per_s']:.0%}")


if __name__ == "__main__":
    main()
