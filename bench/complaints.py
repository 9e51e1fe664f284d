"""Benchmark the complaint handler's queue on 100,000 complaints: `.venv/bin/python bench/complaints.py`.

It drops and creates its own database, portal_bench_h1, on postgres://postgres@127.0.0.1:5432/ (--reuse keeps
one seeded by an earlier run; --database for another name), migrates, seeds the demo city (--accounts, no other
orders) and fills --complaints complaints over the year (portal.demo_complaints.fill: most closed, the last
weeks' open, all at the city's complaint centre). Then it times, in the same run, --requests requests of the
handler's queue page (complaints:queue, page 1 and page 5) and of the queue's API, logged in as the busiest
complaint handler, against the raw SQL of the same query (the page's own queryset, its SQL run on a cursor):
median and p95 in ms, and the queries per request. The target (issue 9): p95 at most 150 ms.

`fill_complaints(n, seed=…)` is the fill on its own, for other benchmarks (the meeting page's) to import
after their own `setup_django`/migrate/city.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queue_page import setup_django

BENCH_DATABASE = "portal_bench_h1"
TARGET_MS = 150


def fill_complaints(n: int, *, seed: int = 2026, accounts: int = 0) -> dict[str, str]:
    """Seed a city of `accounts` (if > 0; no other orders), fill `n` complaints, VACUUM ANALYZE; the timings."""
    from django.core.management import call_command
    from django.db import connection

    from portal import demo_complaints

    figures = {}
    if accounts:
        started = time.monotonic()
        call_command("seed_demo", accounts=accounts, orders=0, seed=seed, stdout=StringIO(), verbosity=0)
        figures["city seconds"] = f"{time.monotonic() - started:.1f}"
    started = time.monotonic()
    created = demo_complaints.fill(n, seed=seed)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    figures.update({"complaints created": str(created), "fill seconds": f"{seconds:.1f}"})
    if created:
        figures["complaints/s"] = f"{created / seconds:.0f}"
    return figures


def timed(run: Callable[[], object], requests: int) -> dict[str, float]:
    for _ in range(5):
        run()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, round(len(times) * 0.95) - 1)]}


def busiest_handler() -> object:
    from django.db.models import Count, Q

    from accounts.models import Role, User
    from services.models.orders import CLOSED

    handlers = User.objects.filter(role=Role.COMPLAINT_HANDLER).annotate(
        n=Count("assigned_orders", filter=~Q(assigned_orders__status__in=CLOSED))
    )
    return handlers.order_by("-n", "pk").first()


def queue_sql(user: object, page: int) -> tuple[str, list]:
    """The SQL of the page's own query for `page` (25 rows), as the view runs it."""
    from django.utils import timezone

    from complaints import queries
    from complaints.views import PAGE_SIZE

    rows = queries.handler_queue(user, timezone.now())[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", default=BENCH_DATABASE, help="The bench's own database (default: %(default)s).")
    parser.add_argument("--reuse", action="store_true", help="Keep the database if it exists (and its complaints).")
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the queue's query.")
    arguments = parser.parse_args()
    setup_django(arguments.database, arguments.reuse)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from complaints.models import Complaint
    from services.models.orders import CLOSED

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    figures: dict[str, str] = {}
    if not Complaint.objects.exists():
        figures.update(fill_complaints(arguments.complaints, seed=arguments.seed, accounts=arguments.accounts))
    handler = busiest_handler()
    open_count = Complaint.objects.exclude(order__status__in=CLOSED).count()
    figures["database"] = f"{connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version}"
    figures["complaints"] = f"{Complaint.objects.count()} ({open_count} open)"
    figures["queue of"] = f"{handler.username} ({handler.department})"
    client = Client()
    client.force_login(handler)

    def page(url: str) -> Callable[[], object]:
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return get

    def raw(number: int) -> Callable[[], object]:
        sql, params = queue_sql(handler, number)

        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return run

    queue = reverse("complaints:queue")
    runs = {
        "queue page 1": page(queue),
        "queue page 5": page(f"{queue}?page=5"),
        "queue API page 1": page(reverse("api:complaint-list")),
        "raw SQL of the queue, page 1": raw(1),
        "raw SQL of the queue, page 5": raw(5),
    }
    results = {label: timed(run, arguments.requests) for label, run in runs.items()}
    from django.test.utils import CaptureQueriesContext

    for label, result in results.items():
        line = f"median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms"
        if not label.startswith("raw"):
            with CaptureQueriesContext(connection) as captured:
                runs[label]()
            line += f", {len(captured)} queries"
        figures[label] = line
    figures["page / its raw SQL (median)"] = (
        f"{results['queue page 1']['median'] / results['raw SQL of the queue, page 1']['median']:.1f}"
    )
    worst = max(results[label]["p95"] for label in ("queue page 1", "queue page 5", "queue API page 1"))
    figures[f"target (p95 at most {TARGET_MS} ms)"] = "met" if worst <= TARGET_MS else "MISSED"
    sys.stdout.writelines(f"{label}: {value}\n" for label, value in figures.items())
    if arguments.explain:
        sql, params = queue_sql(handler, 1)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            sys.stdout.write("\n" + "\n".join(row[0] for row in cursor.fetchall()) + "\n")


if __name__ == "__main__":
    main()
