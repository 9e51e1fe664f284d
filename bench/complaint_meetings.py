"""Benchmark the analysis meeting's page on 100,000 complaints: `.venv/bin/python bench/complaint_meetings.py`.

It drops and creates its own database, portal_bench_h2, on postgres://postgres@127.0.0.1:5432/ (with --reuse it
keeps one seeded by an earlier run), migrates, seeds the demo city (--accounts) without orders, then
--complaints complaints over the year (portal.demo_complaints.fill: the loop's steps, clocks met and breached,
repeats, reopened ones) and the demo's meetings and cases (portal.demo_library). It opens last month's meeting of
the branch with the most complaints, as its department manager, and requests the meeting page
(complaints:meeting) with Django's test client: a warm-up, then --requests timed requests. Then it times, in the
same run, the raw SQL of the same aggregates (totals, by category, by root cause, by unit, the overdue list, the
open actions) sent straight through the cursor: the floor the page's ORM queries, templates and middleware stand
on. It prints the seeding times, the median and p95 in ms with the page's query count, the baseline's, and
EXPLAIN ANALYZE of the figures' query. The target (issue 9): p95 at most 150 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queue_page import measure, setup_django

BENCH_DATABASE = "portal_bench_h2"
TARGET_MS = 150


def seed(accounts: int, complaints: int, seed: int) -> dict[str, str]:
    """The city, then the complaints, then the meetings and cases; nothing is added to a seeded database."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from complaints.figures import refresh_complaint_figures
    from complaints.models import Complaint
    from portal import demo_complaints, demo_library

    call_command("migrate", verbosity=0)
    figures = {}
    if not Complaint.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", accounts=accounts, orders=0, seed=seed, stdout=StringIO(), verbosity=0)
        figures["city seconds"] = f"{time.monotonic() - started:.1f}"
        started = time.monotonic()
        created = demo_complaints.fill(complaints, seed=seed, with_showcase=False)
        figures["complaints created"] = str(created)
        figures["complaints seconds"] = f"{time.monotonic() - started:.1f}"
        demo_library.seed_library(seed=seed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    figures["complaints"] = str(Complaint.objects.count())
    started = time.monotonic()
    rows = refresh_complaint_figures()
    figures["roll-up refresh seconds"] = f"{time.monotonic() - started:.2f} ({rows} rows; beat, every ten minutes)"
    return figures


def busiest_meeting() -> tuple[object, object]:
    """Last month's meeting of the managed department whose area had the most complaints, and its manager."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Department, Role, User
    from complaints import meeting_actions
    from complaints.meetings import Period, complaints_of
    from complaints.models import AnalysisMeeting

    first, last = meeting_actions.last_month(timezone.localdate())
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, department__parent__isnull=False).order_by("pk")
    counts = []
    for manager in managers:
        found = complaints_of(manager.department, first, Period(first, last).end)
        counts.append((found.aggregate(n=Count("pk"))["n"], manager.pk, manager))
    _n, _pk, manager = max(counts, key=lambda row: (row[0], -row[1]))
    meeting = meeting_actions.open_meeting(
        by=manager, department=Department.objects.get(pk=manager.department_id), period_start=first, period_end=last
    )
    return AnalysisMeeting.objects.get(pk=meeting.pk), manager


ROLLUP_SQL = """
    SELECT f.category_id, f.root_cause_id, r.name, r.name_en, f.responsible_department_id, d.name,
           SUM(f.complaints) FILTER (WHERE f.month = %(month)s), SUM(f.complaints) FILTER (WHERE f.month <> %(month)s),
           SUM(f.repeats) FILTER (WHERE f.month = %(month)s), SUM(f.repeats) FILTER (WHERE f.month <> %(month)s),
           SUM(f.major) FILTER (WHERE f.month = %(month)s), SUM(f.major) FILTER (WHERE f.month <> %(month)s),
           SUM(f.reopened) FILTER (WHERE f.month = %(month)s), SUM(f.reopened) FILTER (WHERE f.month <> %(month)s),
           SUM(f.company_fault) FILTER (WHERE f.month = %(month)s),
           SUM(f.company_fault) FILTER (WHERE f.month <> %(month)s),
           SUM(f.overdue) FILTER (WHERE f.month = %(month)s), SUM(f.overdue) FILTER (WHERE f.month <> %(month)s)
    FROM complaints_monthlycomplaintfigures f
    LEFT JOIN complaints_rootcause r ON r.id = f.root_cause_id
    LEFT JOIN accounts_department d ON d.id = f.responsible_department_id
    WHERE f.department_id IN (SELECT id FROM tree) AND f.month IN (%(month)s, %(previous_month)s)
    GROUP BY 1, 2, 3, 4, 5, 6"""
RAW_SQL = {
    "figures": """
        SELECT c.category_id, c.root_cause_id, r.name, r.name_en, c.responsible_department_id, d.name,
               COUNT(*) FILTER (WHERE cur), COUNT(*) FILTER (WHERE NOT cur),
               COUNT(*) FILTER (WHERE cur AND c.is_repeat), COUNT(*) FILTER (WHERE NOT cur AND c.is_repeat),
               COUNT(*) FILTER (WHERE cur AND c.is_major), COUNT(*) FILTER (WHERE NOT cur AND c.is_major),
               COUNT(*) FILTER (WHERE cur AND c.reopen_count > 0),
               COUNT(*) FILTER (WHERE NOT cur AND c.reopen_count > 0),
               COUNT(*) FILTER (WHERE cur AND c.is_company_fault),
               COUNT(*) FILTER (WHERE NOT cur AND c.is_company_fault),
               COUNT(*) FILTER (WHERE cur AND overdue), COUNT(*) FILTER (WHERE NOT cur AND overdue)
        FROM (SELECT c.*, c.received_at >= %(start)s AS cur,
                     EXISTS (SELECT 1 FROM services_clock k WHERE k.order_id = c.order_id
                             AND k.breached_at IS NOT NULL) AS overdue
              FROM period c) c
        LEFT JOIN complaints_rootcause r ON r.id = c.root_cause_id
        LEFT JOIN accounts_department d ON d.id = c.responsible_department_id
        GROUP BY 1, 2, 3, 4, 5, 6""",
    "overdue": """
        SELECT c.order_id, o.number, c.received_at FROM period c JOIN services_workorder o ON o.id = c.order_id
        WHERE c.received_at >= %(start)s AND EXISTS (SELECT 1 FROM services_clock k WHERE k.order_id = c.order_id
                                                     AND k.breached_at IS NOT NULL)
        ORDER BY c.received_at, c.order_id LIMIT 20""",
    "open actions": """
        SELECT a.id, a.title, a.due_on, u.full_name FROM complaints_improvementaction a
        JOIN complaints_analysismeeting m ON m.id = a.meeting_id JOIN accounts_user u ON u.id = a.owner_id
        WHERE a.status = 'open' AND m.department_id IN (SELECT id FROM tree) AND a.meeting_id <> %(meeting)s
        ORDER BY a.due_on, a.id LIMIT 50""",
}
# Every statement above reads `period` (the department's complaints of both periods) and `tree` (its units).
PERIOD_CTE = """
    WITH RECURSIVE tree(id) AS (SELECT id FROM accounts_department WHERE id = %(department)s
                                UNION ALL SELECT d.id FROM accounts_department d JOIN tree ON d.parent_id = tree.id),
    period AS (SELECT c.* FROM complaints_complaint c JOIN services_workorder o ON o.id = c.order_id
               JOIN accounts_servicegrid g ON g.id = o.grid_id
               WHERE o.kind = 'complaint' AND g.department_id IN (SELECT id FROM tree)
               AND c.received_at >= %(previous)s AND c.received_at < %(end)s)
"""


def statements(rollup: bool) -> list[str]:
    """The page's statements as raw SQL: the figures from the roll-up (or counted live), the overdue list, the
    open actions."""
    figures = PERIOD_CTE + ROLLUP_SQL if rollup else PERIOD_CTE + RAW_SQL["figures"]
    return [figures, PERIOD_CTE + RAW_SQL["overdue"], PERIOD_CTE + RAW_SQL["open actions"]]


def raw_parameters(meeting: object) -> dict[str, object]:
    from complaints.meetings import Period

    period = Period(meeting.period_start, meeting.period_end)
    return {
        "department": meeting.department_id,
        "start": period.start,
        "end": period.end,
        "previous": period.previous().start,
        "meeting": meeting.pk,
        "month": period.first,
        "previous_month": period.previous().first,
    }


def measure_raw(meeting: object, requests: int, *, rollup: bool) -> dict[str, float]:
    """The same aggregates as raw SQL through the cursor: one round of the three statements per request."""
    from django.db import connection

    parameters = raw_parameters(meeting)
    sql_statements = statements(rollup)

    def one_round() -> None:
        with connection.cursor() as cursor:
            for sql in sql_statements:
                cursor.execute(sql, parameters)
                cursor.fetchall()

    for _ in range(5):
        one_round()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        one_round()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, round(len(times) * 0.95) - 1)],
        "queries": len(sql_statements),
    }


def explain(meeting: object) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + PERIOD_CTE + RAW_SQL["figures"], raw_parameters(meeting))
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="Keep the database seeded by an earlier run.")
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the figures' query.")
    options = parser.parse_args()
    setup_django(BENCH_DATABASE, options.reuse)

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from complaints.meetings import prepare

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for name, value in seed(options.accounts, options.complaints, options.seed).items():
        print(f"{name}: {value}")
    meeting, manager = busiest_meeting()
    data = prepare(meeting)
    print(f"meeting: {meeting.department.name} {meeting.period_label}, by {manager.username}")
    print(f"figures from: {'the roll-up counted at ' + str(data.counted_at) if data.counted_at else 'a live count'}")
    print(
        f"the period's complaints: {data.totals['all'].current} (previous {data.totals['all'].previous}), "
        f"overdue {data.totals['overdue'].current}, open actions shown {len(data.open_actions)}"
    )
    client = Client()
    client.force_login(manager)
    page = measure(client, reverse("complaints:meeting", args=[meeting.pk]), options.requests)
    raw = measure_raw(meeting, options.requests, rollup=data.counted_at is not None)
    live = measure_raw(meeting, options.requests, rollup=False)
    runs = (
        ("meeting page", page),
        ("raw SQL of the page's statements", raw),
        ("raw SQL with the figures counted live (no roll-up)", live),
    )
    for name, figures in runs:
        print(f"{name}: median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms, {figures['queries']} queries")
    verdict = "met" if page["p95"] <= TARGET_MS else "NOT met"
    print(f"target (meeting page p95 at most {TARGET_MS} ms): {verdict}")
    if options.explain:
        print(explain(meeting))


if __name__ == "__main__":
    main()
