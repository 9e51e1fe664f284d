"""Benchmark the SLA sweep on PostgreSQL: `.venv/bin/python bench/sweep.py [--open 200000] [--crossing 2000]`.

It drops and creates its own database, portal_bench_sweep, on postgres://postgres@127.0.0.1:5432/ and touches
no other; migrates; inserts the open clocks (and their orders) with SQL; and times services.escalation.sweep:
first with nothing crossing (the baseline), then with `--crossing` clocks crossing a level, then again at the
same instant (the idempotent re-sweep). The crossing sweep is repeated `--rounds` times, the crossing clocks
put back each time. Messages go to an in-memory broker, so no worker anywhere delivers the bench's outbox.
The target (issue 3): 200,000 open clocks of which 2,000 cross a level, one sweep in at most 1 s.

The crossing clocks are a mix: half reach warning level 1, a quarter level 2, 15 % level 3, 5 % the breach
(minute clocks, urban arrival), 5 % level 2 of a working-day clock. The others are due later: three quarters
arrival clocks, a quarter working-day clocks.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "portal_bench_sweep"
TARGET_SECONDS = 1.0

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)  # a Friday evening
MINUTE = timedelta(minutes=1)


def database(name: str, reuse: bool) -> tuple[str, bool]:
    """Drop and create the bench's database (unless reused); its URL, and whether it was kept."""
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (reuse and exists):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    return f"{SERVER_URL}/{name}", bool(reuse and exists)


def setup_django(name: str, reuse: bool) -> bool:
    """Point Django at the bench's database; True if it holds the clocks of an earlier run."""
    os.environ["DATABASE_URL"], kept = database(name, reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from portal.celery import app

    app.conf.broker_url = "memory://"
    from services.models import Clock

    return kept and Clock.objects.exists()


def groups(open_clocks: int, crossing: int) -> list[dict[str, object]]:
    """The clocks to insert, group by group: how many, which policy, when started, level and next alert."""
    arrival_due = timedelta(minutes=45)
    wd_started = datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)  # 5 WD: due Tue Nov 24 00:00
    wd_later = datetime(2026, 11, 19, 10, tzinfo=SHANGHAI)  # 5 WD: due Fri Nov 27 00:00
    shares = [
        # (share of the crossing clocks, policy, started, warning level announced, next alert)
        (0.50, "arrival", NOW - 25 * MINUTE, 0, NOW - 25 * MINUTE + arrival_due / 2),
        (0.25, "arrival", NOW - 35 * MINUTE, 1, NOW - 35 * MINUTE + arrival_due * 3 / 4),
        (0.15, "arrival", NOW - 42 * MINUTE, 2, NOW - 42 * MINUTE + arrival_due * 9 / 10),
        (0.05, "arrival", NOW - 49 * MINUTE, 3, NOW - 49 * MINUTE + arrival_due),
        (0.05, "calibration", wd_started, 1, datetime(2026, 11, 20, 18, tzinfo=SHANGHAI)),
    ]
    rows = [
        {"n": round(crossing * share), "policy": policy, "started": started, "level": level, "alert": alert}
        for share, policy, started, level, alert in shares
    ]
    rest = open_clocks - sum(row["n"] for row in rows)
    rows.append({"n": rest * 3 // 4, "policy": "arrival", "started": NOW - 10 * MINUTE, "level": 0, "alert": None})
    rows.append({"n": rest - rest * 3 // 4, "policy": "calibration", "started": wd_later, "level": 0, "alert": None})
    return rows


def insert_clocks(rows: list[dict[str, object]]) -> None:
    """Orders and their running clocks, straight into the tables (the sweep reads nothing else of them)."""
    from django.db import connection

    from accounts.models import Department, DepartmentKind, Role, ServiceGrid, User
    from services import sla
    from services.models import Clock, SlaPolicy

    company = Department.objects.create(code="C0001", name="市供电公司", kind=DepartmentKind.MANAGEMENT)
    station = Department.objects.create(
        code="C0001-01", name="城东供电所", kind=DepartmentKind.OPERATIONS, parent=company
    )
    User.objects.create(username="mona", role=Role.DEPARTMENT_MANAGER, department=company, email="mona@example.com")
    User.objects.create(username="stan", role=Role.DEPARTMENT_MANAGER, department=station, phone="13900000002")
    crew = User.objects.bulk_create(
        User(username=f"crew{i}", role=Role.REPAIR_CREW, department=station, email=f"crew{i}@example.com")
        for i in range(50)
    )
    grid = ServiceGrid.objects.create(code="TQ00001", name="文三路1号台区", department=station)
    policies = {
        "arrival": SlaPolicy.objects.get(order_kind="fault_repair", clock="arrival", area_type="urban"),
        "calibration": SlaPolicy.objects.get(order_kind="service_application", sub_type="meter_calibration"),
    }
    calendar = sla.WorkingCalendar()
    with connection.cursor() as cursor:
        for row in rows:
            policy = policies[row["policy"]]
            probe = Clock(target=policy.target, unit=policy.unit, warning_levels=[50, 75, 90])
            probe.due_at = sla.due_time(policy.unit, policy.target, row["started"], calendar)
            alert = row["alert"] or sla.level_time(probe, 50, calendar)
            kind = policy.order_kind
            cursor.execute(
                """
                WITH orders AS (
                    INSERT INTO services_workorder (kind, sub_type, channel, status, priority, contact_name,
                        contact_phone, location, description, opened_at, result, grid_id, department_id,
                        assigned_to_id)
                    SELECT %s, %s, 'web', 'assigned', 3, '', '', '', 'bench', %s, '', %s, %s,
                        (ARRAY[%s]::bigint[])[1 + i %% %s]
                    FROM generate_series(1, %s) AS i
                    RETURNING id
                )
                INSERT INTO services_clock (order_id, name, policy_id, target, unit, warning_levels, state,
                    started_at, due_at, warning_level, alert_at)
                SELECT id, %s, %s, %s, %s, '[50, 75, 90]', 'running', %s, %s, %s, %s FROM orders
                """,
                [
                    kind,
                    policy.sub_type,
                    row["started"],
                    grid.pk,
                    station.pk,
                    [user.pk for user in crew],
                    len(crew),
                    row["n"],
                    policy.clock,
                    policy.pk,
                    policy.target,
                    policy.unit,
                    row["started"],
                    probe.due_at,
                    row["level"],
                    alert,
                ],
            )
        cursor.execute("ANALYZE")


def put_back(rows: list[dict[str, object]]) -> None:
    """Undo a crossing sweep: the crossing clocks' levels and alerts as they were, no events or messages."""
    from django.db import connection

    with connection.cursor() as cursor:
        for row in rows:
            if row["alert"] is None:
                continue
            cursor.execute(
                "UPDATE services_clock SET warning_level = %s, alert_at = %s, breached_at = NULL WHERE started_at = %s",
                [row["level"], row["alert"], row["started"]],
            )
        cursor.execute("DELETE FROM services_notification")
        cursor.execute("DELETE FROM services_timelineevent")
        for table in ("services_clock", "services_notification", "services_timelineevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")


STATEMENTS: list[tuple[float, str]] = []  # (ms, start of the SQL) of the last sweep, for --statements
CPU_SECONDS: list[float] = []  # this process's CPU time per sweep: wall time minus it is the server and the wait


def timed_sweep(now: datetime) -> tuple[int, float, int]:
    """Crossings, seconds and queries of one sweep at `now`."""
    from django.db import connection

    from services import escalation

    STATEMENTS.clear()

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            STATEMENTS.append(((time.perf_counter() - started) * 1000, " ".join(sql.split())[:110]))

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        crossed = escalation.sweep(now=now)
        seconds = time.perf_counter() - started
        CPU_SECONDS.append(time.process_time() - cpu)
    return crossed, seconds, len(STATEMENTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=200_000)
    parser.add_argument("--crossing", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default=BENCH_DATABASE, help="The bench's own database (default: %(default)s).")
    parser.add_argument("--reuse", action="store_true", help="Keep the clocks of an earlier run (same sizes).")
    parser.add_argument("--statements", action="store_true", help="Print each statement's ms in the last round.")
    arguments = parser.parse_args()
    kept = setup_django(arguments.database, arguments.reuse)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rows = groups(arguments.open, arguments.crossing)
    started = time.perf_counter()
    if kept:
        put_back(rows)
    else:
        insert_clocks(rows)
    inserted = time.perf_counter() - started

    _, baseline_seconds, baseline_queries = timed_sweep(NOW - 5 * MINUTE)
    runs = []
    for round_number in range(arguments.rounds):
        if round_number:
            put_back(rows)
        runs.append(timed_sweep(NOW))
    last_statements = list(STATEMENTS)
    _, again_seconds, again_queries = timed_sweep(NOW)

    crossed, _, queries = runs[-1]
    median = statistics.median(seconds for _, seconds, _ in runs)
    figures = {
        "database": f"{connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version}",
        "open clocks": arguments.open,
        "crossing": crossed,
        "insert (or put back) seconds": f"{inserted:.1f}",
        "baseline sweep (nothing crossing) seconds": f"{baseline_seconds:.3f}",
        "baseline queries": baseline_queries,
        "sweep seconds, each round": ", ".join(f"{seconds:.3f}" for _, seconds, _ in runs),
        "sweep seconds, median": f"{median:.3f}",
        "CPU seconds of this process, each round": ", ".join(f"{cpu:.3f}" for cpu in CPU_SECONDS[1 : 1 + len(runs)]),
        "statements' ms in the last round (client and server)": f"{sum(ms for ms, _ in last_statements):.0f}",
        "sweep queries": queries,
        "sweep / baseline": f"{median / baseline_seconds:.0f}",
        "re-sweep at the same instant seconds": f"{again_seconds:.3f}",
        "re-sweep queries": again_queries,
        f"target (one sweep in at most {TARGET_SECONDS:.0f} s)": "met" if median <= TARGET_SECONDS else "MISSED",
    }
    sys.stdout.writelines(f"{label}: {value}\n" for label, value in figures.items())
    if arguments.statements:
        sys.stdout.writelines(f"  {ms:8.1f} ms  {sql}\n" for ms, sql in last_statements)


if __name__ == "__main__":
    main()
