"""The lists of issue 8 on the seeded city: `.venv/bin/python bench/lists.py --database portal_bench8 [--runs 3]`.

Every list a customer or a member of staff opens, through Django's test client on the bench's settings overlay
(bench/load_settings.py), against a database seeded by `bench/queue_page.py --database NAME --accounts 1000000
--orders 500000` (nothing is created here but a few bench customers linked to accounts with orders, reused).
Each page gets a warm-up, then --requests timed requests; the whole set is measured --runs times and each row
prints every run's median and p95, the median of the runs' p95, the queries per request and its ratio to the
baseline (the bare DRF endpoint that reads one row, measured in the same run). `uptime` is printed before and
after. JIT is off unless --jit (PGOPTIONS), as production's settings must have it (README, "Database settings").
Targets (issue 8): customers' lists p95 <= 30 ms, staff lists p95 <= 150 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
CUSTOMER_MS, STAFF_MS = 30, 150


def setup_django(database: str, jit: bool) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    if not jit:
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c jit=off".strip()
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def customer_with(orders: int, *, most: bool = False) -> object:
    """A bench customer linked to an account with `orders` orders (or to the ten accounts with the most); reused."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import ElectricityAccount, Role, User
    from services.models import WorkOrder

    username = "bench-most" if most else f"bench-{orders}"
    user = User.objects.filter(username=username).first()
    if user:
        return user
    counts = WorkOrder.objects.filter(account__linked_user=None).exclude(account=None).values("account")
    counts = counts.annotate(n=Count("pk")).order_by("-n", "account") if most else counts.annotate(n=Count("pk"))
    chosen = counts[:10] if most else counts.filter(n=orders).order_by("account")[:1]
    account_ids = [row["account"] for row in chosen]
    user = User.objects.create(username=username, full_name=username, role=Role.CUSTOMER, password=make_password(None))
    ElectricityAccount.objects.filter(pk__in=account_ids).update(linked_user=user, linked_at=timezone.now())
    return user


def staff() -> dict[str, object]:
    """The grid manager with the most open orders, the demo's department manager, and a company-level one."""
    from django.db.models import Count, Q

    from accounts.models import Role, User
    from services.models.orders import CLOSED

    busiest = (
        User.objects.filter(role=Role.GRID_MANAGER)
        .annotate(n=Count("assigned_orders", filter=~Q(assigned_orders__status__in=CLOSED)))
        .order_by("-n", "pk")
        .first()
    )
    return {"grid manager": busiest, "manager": User.objects.get(username="manager")}


def measure(client: object, url: str, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return sorted(times), len(queries)


def p95(times: list[float]) -> float:
    return times[max(0, round(len(times) * 0.95) - 1)]


def pages() -> list[tuple[str, object, str, int]]:
    """(label, user, URL, target ms) of every list measured; the baseline first."""
    from django.urls import reverse

    from services.models import WorkOrder

    four, most = customer_with(4), customer_with(0, most=True)
    people = staff()
    api = reverse("api:work-order-list")
    most_orders = WorkOrder.objects.visible_to(most).count()
    return [
        ("baseline: bare DRF endpoint, one row", four, "/bench/bare/", 0),
        ("customer, 4 orders: my requests", four, reverse("services:my-requests"), CUSTOMER_MS),
        ("customer, 4 orders: API list", four, api, CUSTOMER_MS),
        (
            f"customer, {most_orders} orders on 10 accounts: my requests",
            most,
            reverse("services:my-requests"),
            CUSTOMER_MS,
        ),
        (f"customer, {most_orders} orders on 10 accounts: API list", most, api, CUSTOMER_MS),
        ("staff: API list (open orders)", people["manager"], api, STAFF_MS),
        ("staff: API list ?assigned=team", people["manager"], f"{api}?assigned=team", STAFF_MS),
        ("staff: API list ?state=closed", people["manager"], f"{api}?state=closed", STAFF_MS),
        ("staff: API list ?state=closed&page=50", people["manager"], f"{api}?state=closed&page=50", STAFF_MS),
        ("staff: team queue (manager)", people["manager"], reverse("services:team-queue"), STAFF_MS),
        ("staff: my queue (busiest grid manager)", people["grid manager"], reverse("services:my-queue"), STAFF_MS),
        ("staff: home (manager)", people["manager"], reverse("portal:home"), STAFF_MS),
        ("staff: home (busiest grid manager)", people["grid manager"], reverse("portal:home"), STAFF_MS),
    ]


def uptime() -> str:
    # In UTC: django.setup() sets TZ to the portal's zone, which would make the figures hard to line up.
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False, env={"TZ": "UTC"}).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--jit", action="store_true", help="Leave PostgreSQL's JIT on (the server's default).")
    arguments = parser.parse_args()
    setup_django(arguments.database, arguments.jit)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import ElectricityAccount
    from services.figures import refresh_grid_figures
    from services.models import WorkOrder

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    refresh_grid_figures()  # what beat keeps fresh in production
    listed = pages()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(
        f"database: {arguments.database}; {ElectricityAccount.objects.count()} accounts, "
        f"{WorkOrder.objects.count()} orders, {WorkOrder.objects.open().count()} open; jit {jit}"
    )
    print(f"uptime before: {uptime()}")
    results: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in listed}
    queries: dict[str, int] = {}
    client = Client()
    for _run in range(arguments.runs):
        for label, user, url, _target in listed:
            client.force_login(user)
            times, queries[label] = measure(client, url, arguments.requests)
            results[label].append((statistics.median(times), p95(times)))
    print(f"uptime after: {uptime()}")
    baseline = statistics.median(median for median, _ in results[listed[0][0]])
    met = True
    for label, _user, _url, target in listed:
        runs = results[label]
        median = statistics.median(m for m, _ in runs)
        worst_p95 = statistics.median(p for _, p in runs)
        verdict = "" if not target else (" met" if worst_p95 <= target else f" MISSED (target {target} ms)")
        met &= not verdict.startswith(" MISSED")
        print(
            f"{label}: median {' / '.join(f'{m:.1f}' for m, _ in runs)} ms, p95 "
            f"{' / '.join(f'{p:.1f}' for _, p in runs)} ms (median of runs: {median:.1f} and {worst_p95:.1f}), "
            f"{queries[label]} queries, {median / baseline:.1f}x baseline{verdict}"
        )
    print(f"targets (customers' lists p95 <= {CUSTOMER_MS} ms, staff's <= {STAFF_MS} ms): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
