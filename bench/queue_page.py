"""Benchmark the staff queue page on 500,000 work orders: `.venv/bin/python bench/queue_page.py [--orders 500000]`.

It drops and creates its own database, portal_bench_queue, on postgres://postgres@127.0.0.1:5432/ (with
--reuse it keeps a database seeded by an earlier run), migrates, seeds the demo city and a year of work
orders (portal.demo_orders: mostly closed, a few thousand open over the teams), then requests the busiest team's
queue (services:team-queue) with Django's test client logged in as a member of that team: a warm-up, then
--requests timed requests. It prints the seeding time, the median and p95 in ms, the queries per request,
the same figures for a baseline (the queue filtered to a status with few rows, and the account search page),
and EXPLAIN ANALYZE of the page's main query. The target (issue 3): at most 150 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "portal_bench_queue"
TARGET_MS = 150


def database(name: str, reuse: bool) -> str:
    """Drop and create the bench's database (unless reused), and return its URL."""
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (reuse and exists):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    return f"{SERVER_URL}/{name}"


def setup_django(name: str, reuse: bool) -> None:
    os.environ["DATABASE_URL"] = database(name, reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed(accounts: int, orders: int, seed: int) -> dict[str, str]:
    """Seed the city, then the orders; their times separately. Nothing is added to a seeded database."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from portal import demo_orders as demo

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", accounts=accounts, orders=0, seed=seed, stdout=StringIO(), verbosity=0)
    city = time.monotonic() - started
    started = time.monotonic()
    created = demo.seed_orders(seed=seed, orders=orders)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    figures = {"city seconds": f"{city:.1f}", "orders created": str(created), "orders seconds": f"{seconds:.1f}"}
    if created:
        figures["orders/s"] = f"{created / seconds:.0f}"
    return figures


def busiest_team() -> tuple[object, int]:
    """The repair team or supply station with the most open orders, and a member of staff in it."""
    from django.db.models import Count

    from accounts.models import DepartmentKind, Role, User
    from services.models import WorkOrder

    kinds = [DepartmentKind.OPERATIONS, DepartmentKind.SUPPLY_STATION]
    counts = (
        WorkOrder.objects.open()
        .filter(department__kind__in=kinds)
        .values_list("department")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    department_id, open_orders = counts[0]
    member = User.objects.filter(department_id=department_id, role__in=[Role.REPAIR_CREW, Role.GRID_MANAGER])
    return member.order_by("pk").first(), open_orders


def busiest_member() -> object:
    """The member of staff with the most open orders assigned."""
    from django.db.models import Count, Q

    from accounts.models import User
    from services.models.orders import OPEN_STATUSES

    members = User.objects.annotate(n=Count("assigned_orders", filter=Q(assigned_orders__status__in=OPEN_STATUSES)))
    return members.order_by("-n", "pk").first()


def measure(client: object, url: str, requests: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, round(len(times) * 0.95) - 1)],
        "queries": len(queries),
    }


def explain(user: object) -> str:
    from django.core.paginator import Paginator
    from django.utils import timezone

    from services import queues
    from services.views import PAGE_SIZE

    orders = queues.for_rows(queues.team_queue(user, timezone.now()))
    page = Paginator(orders, PAGE_SIZE).page(1)
    rows = orders[page.start_index() - 1 : page.end_index()]
    return rows.explain(analyze=True, buffers=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", default=BENCH_DATABASE, help="The bench's own database (default: %(default)s).")
    parser.add_argument("--reuse", action="store_true", help="Keep the database if it exists.")
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the page's query.")
    arguments = parser.parse_args()
    setup_django(arguments.database, arguments.reuse)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from services.models import WorkOrder

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    figures = seed(arguments.accounts, arguments.orders, arguments.seed)
    user, open_orders = busiest_team()
    figures["database"] = f"{connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version}"
    figures["work orders"] = str(WorkOrder.objects.count())
    figures["open work orders"] = str(WorkOrder.objects.open().count())
    figures["queue"] = f"{user.department} ({open_orders} open orders), as {user.username}"
    client = Client()
    client.force_login(user)
    queue = reverse("services:team-queue")
    crew = busiest_member()
    pages = {
        "team queue": queue,
        "team queue, page 5": f"{queue}?page=5",
        "baseline: team queue, waiting for the customer": f"{queue}?status=waiting_customer",
        "baseline: account search": reverse("accounts:search") + "?q=3310000123",
    }
    results = {label: measure(client, url, arguments.requests) for label, url in pages.items()}
    client.force_login(crew)
    my_queue = measure(client, reverse("services:my-queue"), arguments.requests)
    client.force_login(user)
    for label, result in results.items():
        figures[label] = f"median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, {result['queries']} queries"
    figures[f"my queue of {crew.username} ({crew.assigned_orders.count()} orders, open or not)"] = (
        f"median {my_queue['median']:.1f} ms, p95 {my_queue['p95']:.1f} ms, {my_queue['queries']} queries"
    )
    main_median = results["team queue"]["median"]
    figures["queue / filtered baseline"] = f"{main_median / results[list(pages)[2]]['median']:.2f}"
    figures["queue / account search"] = f"{main_median / results[list(pages)[3]]['median']:.2f}"
    figures[f"target (median and p95 at most {TARGET_MS} ms)"] = (
        "met" if results["team queue"]["p95"] <= TARGET_MS else "MISSED"
    )
    sys.stdout.writelines(f"{label}: {value}\n" for label, value in figures.items())
    if arguments.explain:
        sys.stdout.write("\n" + explain(user) + "\n")


if __name__ == "__main__":
    main()
