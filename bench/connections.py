"""Benchmark the new-connection funnel on PostgreSQL: `.venv/bin/python bench/connections.py [--applications N]`.

It drops and creates its own database, bench_insale, on postgres://postgres@127.0.0.1:5432/ and touches no
other; migrates; inserts `--applications` business applications (a year's, of four types, over ten departments,
a tenth still open at some stage) and four stage clocks each (one in eight breached) with SQL; then times
services.connections.figures.funnel() (the dashboards' and the funnel page's call: two queries) three times and
prints the median, with the query count. The design's scale: 500,000 orders a year, of which new connections a
tenth or so.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notices import setup_django  # the same database set-up as the notices benchmark

BENCH_DATABASE = "bench_insale"
STAGES = ("acceptance", "supply_plan", "final_inspection", "energisation")
TYPES = ("lv_residential", "lv_non_residential", "hv_single", "hv_dual")


def insert(applications: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_department (code, name, kind, parent_id) "
            "SELECT 'B' || d, '基准供电所' || d, 'station', NULL FROM generate_series(1, 10) d"
        )
        cursor.execute(
            "INSERT INTO services_workorder (number, kind, sub_type, channel, status, priority, contact_name, "
            "contact_phone, location, department_id, description, opened_at, closed_at, result) "
            "SELECT lpad(g::text, 16, '0'), 'business_application', (%s::text[])[1 + g %% 4], 'web', "
            "CASE WHEN g %% 10 = 0 THEN (%s::text[])[1 + g %% 4] ELSE 'closed' END, 3, '', '', '', "
            "(SELECT min(id) FROM accounts_department) + g %% 10, '', "
            "now() - make_interval(days => g %% 365), "
            "CASE WHEN g %% 10 = 0 THEN NULL ELSE now() - make_interval(days => g %% 365) + interval '9 days' END, '' "
            "FROM generate_series(1, %s) g",
            [list(TYPES), list(STAGES), applications],
        )
        cursor.execute("SELECT id FROM services_slapolicy WHERE order_kind = 'business_application' LIMIT 1")
        policy = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO services_clock (order_id, name, policy_id, target, unit, warning_levels, state, started_at, "
            "due_at, warning_level, alert_at, breached_at, paused_at, stopped_at) "
            "SELECT o.id, 'stage:' || s.name, %s, 2, 'working_days', '[50, 75, 90]', "
            "CASE WHEN o.id %% 8 = 0 THEN 'breached' ELSE 'met' END, "
            "o.opened_at + make_interval(days => (s.n * 2)::int), "
            "o.opened_at + make_interval(days => (s.n * 2 + 2)::int), 0, NULL, "
            "CASE WHEN o.id %% 8 = 0 THEN o.opened_at + make_interval(days => (s.n * 2 + 2)::int) END, NULL, "
            "o.opened_at + make_interval(days => (s.n * 2)::int, hours => (o.id %% 60)::int) "
            "FROM services_workorder o, unnest(%s::text[]) WITH ORDINALITY AS s(name, n) "
            "WHERE o.kind = 'business_application'",
            [policy, list(STAGES)],
        )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=50_000)
    arguments = parser.parse_args()
    setup_django(BENCH_DATABASE)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from services.connections import figures

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    insert(arguments.applications)
    print(f"applications: {arguments.applications} (stage clocks: {4 * arguments.applications})")
    print(f"insert seconds: {time.monotonic() - started:.1f}")
    until = timezone.now()
    since = until - timezone.timedelta(days=365)
    times = []
    for _run in range(3):
        with CaptureQueriesContext(connection) as queries:
            begun = time.monotonic()
            rows = figures.funnel(since=since, until=until)
            times.append(time.monotonic() - begun)
    print(f"funnel rows: {len(rows)}; queries: {len(queries)}")
    print(
        f"funnel seconds (median of 3): {statistics.median(times):.2f} (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
