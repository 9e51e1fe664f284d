"""Load benchmark: gunicorn on PostgreSQL and Redis with the seeded city, driven by locust at 20 and 100 users.

    .venv/bin/pip install -r requirements-bench.txt   # locust
    .venv/bin/python bench/load.py --database portal_bench8 [--users 20,100] [--mix-time 60] [--kind-time 15]

The database must hold the city already (bench/queue_page.py --database NAME --accounts 1000000 --orders 500000
seeds it; nothing is created here but the bench's customers and sessions). The script links bench customers to
accounts that have orders (and a few to the accounts with the most), opens sessions for them and for the staff
with the most open orders, collects the static files, starts gunicorn (2 sync workers: the machine has 2 cores)
with the bench's settings overlay (bench/load_settings.py: the portal plus a bare DRF endpoint that reads one
row, the baseline), then for each concurrency runs locust headless:

- the realistic mix for --mix-time seconds: customers (home, my requests, an order, the API list, filing a
  report) and staff (queues, home, an order, the API lists, a comment) four to one, no think time;
- each request kind alone for --kind-time seconds, and the bare endpoint alone before and after them: a kind's
  throughput beside the bare endpoint's (the mean of its two runs), served by the same server in the same run,
  is the ratio the targets are set on.

It prints a table per concurrency (requests/s, p50/p95/p99, errors, ratio to bare) and `uptime` beside it.
Targets (issue 8): customers' kinds at least 50 % of the bare endpoint's throughput, staff pages 25 %, no error.
Orders filed by the bench are deleted at the end, so repeated runs measure the same city. JIT is off for the
server's connections (PGOPTIONS), as production's settings must have it (README, "Database settings").
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/10"
BENCH_DESCRIPTION = "bench: 家里停电"
CUSTOMER_SHARE, STAFF_SHARE = 0.5, 0.25
DEV_KEY = "django-insecure-development-key-do-not-use-in-production"  # what seed_demo hashed identities with


def environment(database: str, static_root: str) -> dict[str, str]:
    """Production-like settings over plain HTTP on 127.0.0.1, shared by this process and gunicorn."""
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER_URL}/{database}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-load-secret-key-not-for-production-0123456789abcdefghij",
        "IDENTITY_HASH_KEY": DEV_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "PGOPTIONS": "-c jit=off",
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def bench_customers(count: int, heavy: int) -> list[object]:
    """Customers linked to accounts that have 1–8 orders, and `heavy` to the accounts with the most; reused."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import ElectricityAccount, Role, User

    existing = list(User.objects.filter(username__startswith="bench-c").order_by("username"))
    if len(existing) >= count + heavy:
        return existing
    User.objects.filter(username__startswith="bench-c").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id FROM services_workorder o JOIN accounts_electricityaccount a ON a.id = o.account_id "
            "WHERE a.linked_user_id IS NULL GROUP BY account_id HAVING count(*) BETWEEN 1 AND 8 "
            "ORDER BY md5(account_id::text) LIMIT %s",
            [count],
        )
        usual = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT account_id FROM services_workorder o JOIN accounts_electricityaccount a ON a.id = o.account_id "
            "WHERE a.linked_user_id IS NULL GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT %s",
            [heavy],
        )
        busiest = [row[0] for row in cursor.fetchall()]
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"bench-c{i:05d}", full_name=f"压测客户{i}", role=Role.CUSTOMER, password=password)
        for i in range(len(usual) + len(busiest))
    )
    now = timezone.now()
    for user, account_id in zip(users, usual + busiest, strict=True):
        ElectricityAccount.objects.filter(pk=account_id).update(linked_user=user, linked_at=now)
    return users


def session_for(user: object) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def fixtures(customers: int, heavy: int, staff: int) -> dict[str, list[dict[str, object]]]:
    """Sessions, accounts and order numbers for the locust users."""
    from django.db.models import Count, Q

    from accounts.models import Role, User
    from services.models import WorkOrder
    from services.models.orders import CLOSED

    people = []
    for user in bench_customers(customers, heavy):
        orders = list(WorkOrder.objects.visible_to(user).values_list("number", flat=True)[:20])
        accounts = list(user.linked_accounts.values_list("number", flat=True))
        if orders and accounts:
            people.append({"session": session_for(user), "orders": orders, "accounts": accounts})
    open_assigned = Count("assigned_orders", filter=~Q(assigned_orders__status__in=CLOSED))
    busy = User.objects.exclude(role=Role.CUSTOMER).annotate(n=open_assigned).filter(n__gt=0).order_by("-n")[:staff]
    crew = [
        {
            "session": session_for(member),
            "orders": list(WorkOrder.objects.open().filter(assigned_to=member).values_list("number", flat=True)[:20]),
        }
        for member in busy
    ]
    return {"customers": people, "staff": crew}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [str(BASE_DIR / ".venv/bin/gunicorn"), "portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=BASE_DIR, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def run_locust(env: dict[str, str], port: int, users: int, seconds: int, classes: list[str], only: str) -> dict:
    """One headless locust run; its stats per request name from the CSV."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = f"{folder}/run"
        command = [str(BASE_DIR / ".venv/bin/locust"), "-f", str(BASE_DIR / "bench/locustfile.py"), "--headless"]
        command += ["-u", str(users), "-r", str(max(10, users // 2)), "-t", f"{seconds}s", "--reset-stats"]
        command += ["--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary", "--loglevel", "ERROR"]
        subprocess.run([*command, *classes], env={**env, "LOAD_KINDS": only}, check=False, capture_output=True)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
            return {row["Name"]: row for row in csv.DictReader(stats)}


def clean_up() -> int:
    """Delete the orders the bench filed, so that the next run sees the same city."""
    from services.models import WorkOrder

    deleted, _ = WorkOrder.objects.filter(description=BENCH_DESCRIPTION).delete()
    return deleted


def figures(row: dict[str, str]) -> str:
    return f"{float(row['50%']):6.0f} {float(row['95%']):6.0f} {float(row['99%']):6.0f}"


def report(users: int, mix: dict, alone: dict[str, dict], load: str) -> bool:
    """Print one concurrency's table; True if every target is met."""
    # The baseline is the mean of the bare endpoint's first and last runs of this concurrency.
    bare = (float(alone["bare: one row"]["Requests/s"]) + float(alone["bare: one row, first"]["Requests/s"])) / 2
    print(f"\n{users} concurrent users; uptime: {load}")
    print(
        f"{'request kind':26} {'alone req/s':>11} {'/ bare':>7} {'alone p50 p95 p99 ms':>21}   "
        f"{'mix req/s':>9} {'mix p50 p95 p99 ms':>20} {'errors':>7}"
    )
    met = True
    for name, row in alone.items():
        throughput = float(row["Requests/s"])
        ratio = throughput / bare if bare else 0
        in_mix = mix.get(name)
        errors = int(row["Failure Count"]) + (int(in_mix["Failure Count"]) if in_mix else 0)
        target = {"customer": CUSTOMER_SHARE, "staff": STAFF_SHARE}.get(name.split(":")[0], 0)
        ok = ratio >= target and errors == 0
        met &= ok
        mixed = f"{float(in_mix['Requests/s']):9.1f} {figures(in_mix):>20}" if in_mix else f"{'':9} {'':20}"
        print(
            f"{name:26} {throughput:11.1f} {ratio:6.0%} {figures(row):>21}   {mixed} {errors:7d}"
            f"{'' if ok else '  MISSED (target ' + format(target, '.0%') + ')'}"
        )
    total = mix.get("Aggregated")
    if total:
        print(
            f"{'the mix, all kinds':26} {'':11} {'':7} {'':21}   {float(total['Requests/s']):9.1f} "
            f"{figures(total):>20} {int(total['Failure Count']):7d}"
        )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="A database seeded with the city (see above).")
    parser.add_argument("--users", default="20,100", help="Concurrencies, comma-separated.")
    parser.add_argument("--mix-time", type=int, default=60)
    parser.add_argument("--kind-time", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--staff", type=int, default=30)
    arguments = parser.parse_args()
    static_root = str(Path(tempfile.gettempdir()) / f"{arguments.database}-static")
    env = environment(arguments.database, static_root)
    setup_django(env)
    from django.core.management import call_command

    from bench.load_kinds import NAMES, user_class
    from services.figures import refresh_grid_figures

    call_command("collectstatic", interactive=False, verbosity=0)
    refresh_grid_figures()  # what beat keeps fresh in production
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        people = fixtures(arguments.customers, 5, arguments.staff)
        json.dump(people, file)
    env["LOAD_FIXTURES"] = file.name
    print(
        f"database: {arguments.database}; gunicorn, {arguments.workers} sync workers; "
        f"{len(people['customers'])} customers, {len(people['staff'])} staff; JIT off"
    )
    port = free_port()
    server = start_gunicorn(env, port, arguments.workers)
    met = True
    try:
        for users in (int(n) for n in arguments.users.split(",")):
            load = subprocess.run(["uptime"], capture_output=True, text=True, check=False, env={"TZ": "UTC"})
            load = load.stdout.strip()
            mix = run_locust(env, port, users, arguments.mix_time, ["Customer", "Staff"], "")
            # The bare endpoint runs first and last: the machine is shared, and its load can change in minutes.
            bare = "bare: one row"
            first = run_locust(env, port, users, arguments.kind_time, ["Bare"], bare)[bare]
            alone = {}
            for name in NAMES:
                alone[name] = run_locust(env, port, users, arguments.kind_time, [user_class(name)], name)[name]
            alone["bare: one row, first"] = first
            met &= report(users, mix, alone, load)
            clean_up()
    finally:
        server.terminate()
        server.wait()
        clean_up()
    print(
        f"\ntargets (customers >= {CUSTOMER_SHARE:.0%} of bare, staff >= {STAFF_SHARE:.0%}, no error): "
        f"{'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
