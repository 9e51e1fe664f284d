"""The managers' dashboards at the issue's scale: `.venv/bin/python bench/dashboards.py [--reuse] [--orders 500000]`.

Its own database, bench_dashboards, on postgres://postgres@127.0.0.1:5432/ (dropped and created unless --reuse).
The small demo city gives the departments, logins, outlets and 台区s; the year is then generated with set-based
SQL (generate_series, one INSERT … SELECT per table, seconds rather than the half hour seed_demo needs for a
million accounts): --grids more 台区s over the supply stations, GridFigures saying --accounts accounts in all,
--orders work orders of the year (95 % closed, each with its clock met or breached), return visits on 60 %,
fault reports for the repair orders, a complaint row for the complaints, --tickets hall tickets, --inspections
closed inspections (a finding on every third, each with its rectification notice) and --connections energised new
connections (each with its type's stage clocks and whole-process clock), and the rest of --accounts accounts (each
with a customer) over the 台区s: no dashboard reads an account row (万户投诉率 reads GridFigures), but the city's
tables are its size. The bills are the demo's, a year of its 2,000 accounts.

It prints the seeding time, `rebuild_rollups`' time for 400 days and the beat's refresh of the recent days,
then each page's median and p95 (ms) and queries, for the company (the administrator) and for one 供电所's
manager, warm-up first, in process after importing portal.wsgi as every gunicorn worker does; `uptime` before and
after. Target (issue 15): p95 <= 150 ms.
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
DATABASE = "bench_dashboards"
TARGET_MS = 150


def database(reuse: bool) -> bool:
    """Drop and create the bench's database unless reused; whether it must be seeded."""
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if reuse and exists:
            return False
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    return True


def setup_django(reuse: bool) -> bool:
    fresh = database(reuse)
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c jit=off".strip()
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    return fresh


GRIDS = """
INSERT INTO accounts_servicegrid (code, name, area_type, department_id, manager_id)
SELECT 'BG' || lpad(i::text, 6, '0'), 'Bench grid ' || i, 'urban', s.ids[1 + i % array_length(s.ids, 1)],
       m.ids[1 + i % array_length(m.ids, 1)]
FROM generate_series(1, %(grids)s) i,
     (SELECT array_agg(id ORDER BY id) ids FROM accounts_department WHERE kind = 'supply_station') s,
     (SELECT array_agg(id ORDER BY id) ids FROM accounts_user WHERE role = 'grid_manager') m
"""
FIGURES = """
INSERT INTO services_gridfigures (grid_id, customers, accounts, open_orders, refreshed_at)
SELECT g.id, %(per)s, %(per)s, 0, now() FROM accounts_servicegrid g
ON CONFLICT (grid_id) DO UPDATE SET customers = EXCLUDED.customers, accounts = EXCLUDED.accounts
"""
ORDERS = """
INSERT INTO services_workorder (number, kind, sub_type, channel, status, priority, contact_name, contact_phone,
  location, description, result, grid_id, department_id, assigned_to_id, opened_at, closed_at)
SELECT 'B' || lpad(i::text, 12, '0'), k.kinds[1 + (i * 7) % 20], '', c.channels[1 + (i * 3) % 6],
       CASE WHEN i % 20 = 0 THEN 'in_progress' ELSE 'closed' END, 2, '', '', '', 'bench', '',
       g.id, g.department_id, st.ids[1 + i % array_length(st.ids, 1)], o.at,
       CASE WHEN i % 20 = 0 THEN NULL ELSE o.at + interval '1 minute' * (30 + (i * 37) % 4000) END
FROM generate_series(1, %(orders)s) i
CROSS JOIN LATERAL (SELECT now() - interval '1 second' * ((i * 63072.0 / %(orders)s)::int * 500) AS at) o
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, department_id FROM accounts_servicegrid) g
  ON g.n = i % (SELECT count(*) FROM accounts_servicegrid),
  (SELECT ARRAY['fault_repair','fault_repair','fault_repair','fault_repair','fault_repair','fault_repair',
     'fault_repair','fault_repair','service_application','service_application','service_application',
     'service_application','service_application','service_application','enquiry','enquiry','enquiry',
     'information_query','information_query','complaint'] AS kinds) k,
  (SELECT ARRAY['95598','web','counter','kiosk','web','12345'] AS channels) c,
  (SELECT array_agg(id ORDER BY id) ids FROM accounts_user
   WHERE role IN ('repair_crew','counter_staff','grid_manager','complaint_handler')) st
"""
CLOCKS = """
INSERT INTO services_clock (order_id, name, policy_id, target, unit, warning_levels, state, started_at, due_at,
  warning_level, stopped_at, breached_at)
SELECT o.id, p.clock, p.id, p.target, p.unit, '[]'::jsonb,
       CASE WHEN o.closed_at IS NULL THEN 'running' WHEN o.id % 33 = 0 THEN 'breached' ELSE 'met' END,
       o.opened_at, o.opened_at + interval '1 day', 0, o.closed_at,
       CASE WHEN o.id % 33 = 0 THEN o.opened_at + interval '1 day' END
FROM services_workorder o
JOIN LATERAL (SELECT id, clock, target, unit FROM services_slapolicy s WHERE s.order_kind = o.kind
              ORDER BY s.clock LIMIT 1) p ON true
WHERE o.number LIKE 'B%'
"""
VISITS = """
INSERT INTO services_returnvisit (order_id, channel, overall, legality, functionality, accuracy, reasonableness,
  safety, convenience, timeliness, courtesy, economy, comment, department_id, assignee_id, recorded_at)
SELECT o.id, 'phone', CASE WHEN o.id % 31 = 0 THEN 2 WHEN o.id % 7 = 0 THEN 4 ELSE 5 END,
       5, 5, 4 + o.id % 2, 5, 5, 3 + o.id % 3, 4 + o.id % 2, 5, 3 + o.id % 3, '',
       o.department_id, o.assigned_to_id, o.closed_at + interval '1 day'
FROM services_workorder o WHERE o.number LIKE 'B%' AND o.closed_at IS NOT NULL AND o.id % 5 < 3
"""
FAULTS = """
INSERT INTO services_faultreport (order_id, fault_type, triage, cause, unable_reason, arrived_at, restored_at)
SELECT o.id, 'no_power_home', 'dispatched', '', '', o.opened_at + interval '1 minute' * (15 + o.id % 110),
       o.opened_at + interval '1 minute' * (60 + o.id % 250)
FROM services_workorder o WHERE o.number LIKE 'B%' AND o.kind = 'fault_repair'
"""
COMPLAINTS = """
INSERT INTO complaints_complaint (order_id, received_at, is_major, major_reason, is_repeat, reopen_count,
  is_confidential, contact_method, contact_agreement, facts, analysis, rectification, verification_note, reply,
  category_id, root_cause_id, is_company_fault)
SELECT o.id, o.opened_at, false, '', o.id % 9 = 0, (o.id % 13 = 0)::int, false, '', '', '', '', '', '', '',
       c.ids[1 + o.id % array_length(c.ids, 1)], r.ids[1 + o.id % array_length(r.ids, 1)], o.id % 3 = 0
FROM services_workorder o,
     (SELECT array_agg(id) ids FROM complaints_complaintcategory WHERE parent_id IS NOT NULL) c,
     (SELECT array_agg(id) ids FROM complaints_rootcause) r
WHERE o.number LIKE 'B%' AND o.kind = 'complaint'
"""
TICKETS = """
INSERT INTO outlets_ticket (outlet_id, service_id, day, number, code, source, status, issued_at, queued_at,
  called_at, started_at, finished_at, recalls, served_by_id)
SELECT q.outlet_id, q.service_id, (t.at AT TIME ZONE 'Asia/Shanghai')::date, 100000 + i, 'Z' || i, 'kiosk', 'done',
       t.at, t.at, t.at + interval '1 minute' * (i % 29), t.at + interval '1 minute' * (i % 29),
       t.at + interval '1 minute' * (8 + i % 29), 0, st.ids[1 + i % array_length(st.ids, 1)]
FROM generate_series(1, %(tickets)s) i
CROSS JOIN LATERAL (SELECT date_trunc('day', now() - interval '1 day' * (i % 365))
                    + interval '1 hour' * (1 + i % 8) + interval '1 minute' * (i % 60) AS at) t
JOIN (SELECT row_number() OVER (ORDER BY outlet_id, queueservice_id) - 1 AS n, outlet_id,
             queueservice_id AS service_id FROM outlets_outlet_services) q
  ON q.n = i % (SELECT count(*) FROM outlets_outlet_services),
  (SELECT array_agg(id ORDER BY id) ids FROM accounts_user WHERE role = 'counter_staff') st
"""

# The rest of the city's 1,000,000 accounts, each with its own customer, over every 台区 in turn: no dashboard
# reads an account row, but the tables and their indexes are the city's size beside the figures.
ACCOUNTS = """
WITH c AS (
  INSERT INTO accounts_customer (kind, name, phone, email, id_number_masked, id_number_digest, id_tail_digest,
    created_at)
  SELECT 'individual', '压测户' || i, '', '', '', '', '', now() FROM generate_series(1, %(accounts)s) i
  RETURNING id
)
INSERT INTO accounts_electricityaccount (number, address, customer_class, voltage_level, contracted_capacity_kva,
  tariff_code, is_important, status, opened_on, customer_id, grid_id, is_prepaid, suspension)
SELECT '9' || lpad(c.id::text, 9, '0'), '台州压测路' || c.id || '号', 'lv_residential', '220v', 8, 'ZJ-RES-TIER',
       false, 'active', DATE '2015-01-01', c.id, g.id, false, ''
FROM c JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts_servicegrid) g
  ON g.n = c.id % (SELECT count(*) FROM accounts_servicegrid)
"""

# The company's inspections of the year (issue 13): closed inspection orders, a finding on every third, and a
# rectification notice per finding, 80 % done by its date, 10 % late, 10 % still open.
INSPECTION_ORDERS = """
INSERT INTO services_workorder (number, kind, sub_type, channel, status, priority, contact_name, contact_phone,
  location, description, result, grid_id, department_id, assigned_to_id, opened_at, closed_at)
SELECT 'I' || lpad(i::text, 12, '0'), 'inspection', '', 'company', 'closed', 2, '', '', '', 'bench', '',
       g.id, g.department_id, st.ids[1 + i % array_length(st.ids, 1)], o.at, o.at + interval '2 hours'
FROM generate_series(1, %(inspections)s) i
CROSS JOIN LATERAL (SELECT now() - interval '1 second' * ((i * 63072.0 / %(inspections)s)::int * 500) AS at) o
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, department_id FROM accounts_servicegrid) g
  ON g.n = i % (SELECT count(*) FROM accounts_servicegrid),
  (SELECT array_agg(id ORDER BY id) ids FROM accounts_user WHERE role IN ('inspector', 'grid_manager')) st
"""
# The accounts' array is built once (MATERIALIZED): as a plain subquery the planner, with the orders just
# inserted and not yet analysed, put it inside a nested loop and aggregated 50,000 ids for every inspection.
INSPECTIONS = """
WITH a AS MATERIALIZED (
  SELECT array_agg(id ORDER BY id) ids FROM (SELECT id FROM accounts_electricityaccount ORDER BY id LIMIT 50000) x
)
INSERT INTO inspections_inspection (order_id, account_id, origin, planned_on, checklist_id, completed_at,
  completed_by_id, has_findings)
SELECT o.id, a.ids[1 + o.id % array_length(a.ids, 1)], 'scheduled', (o.opened_at AT TIME ZONE 'Asia/Shanghai')::date,
       (SELECT min(id) FROM inspections_checklist), o.closed_at, o.assigned_to_id, o.id % 3 = 0
FROM services_workorder o, a
WHERE o.number LIKE 'I%' AND o.kind = 'inspection'
"""
FINDINGS = """
INSERT INTO inspections_finding (inspection_id, category, severity, description, recorded_by_id, recorded_at)
SELECT i.order_id, 'hazard', 'medium', 'bench', i.completed_by_id, i.completed_at
FROM inspections_inspection i WHERE i.has_findings
"""
RECTIFICATIONS = """
INSERT INTO inspections_rectification (finding_id, account_id, required_action, due_on, legal_basis_id, status,
  issued_at, done_at)
SELECT f.id, i.account_id, 'bench', (f.recorded_at AT TIME ZONE 'Asia/Shanghai')::date + 30,
       (SELECT min(id) FROM inspections_legalbasis), CASE WHEN f.id % 10 = 9 THEN 'open' ELSE 'done' END,
       f.recorded_at, CASE WHEN f.id % 10 = 9 THEN NULL
                           WHEN f.id % 10 = 8 THEN f.recorded_at + interval '40 days'
                           ELSE f.recorded_at + interval '20 days' END
FROM inspections_finding f JOIN inspections_inspection i ON i.order_id = f.inspection_id
"""
# New connections of the year (issue 12), energised: an application per order, of the four types in turn, and
# each of its type's stage clocks and its whole-process clock stopped (one in 17 breached).
CONNECTION_ORDERS = """
INSERT INTO services_workorder (number, kind, sub_type, channel, status, priority, contact_name, contact_phone,
  location, description, result, grid_id, department_id, assigned_to_id, opened_at, closed_at)
SELECT 'N' || lpad(i::text, 12, '0'), 'business_application', t.types[1 + i % 4], 'counter', 'closed', 2, '', '',
       '', 'bench', '', g.id, g.department_id, st.ids[1 + i % array_length(st.ids, 1)], o.at,
       o.at + interval '1 day' * (3 + i % (CASE WHEN i % 4 < 2 THEN 6 ELSE 40 END))
FROM generate_series(1, %(connections)s) i
CROSS JOIN LATERAL (SELECT now() - interval '45 days'
                    - interval '1 second' * ((i * 54000.0 / %(connections)s)::int * 500) AS at) o
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, department_id FROM accounts_servicegrid) g
  ON g.n = i % (SELECT count(*) FROM accounts_servicegrid),
  (SELECT ARRAY['lv_residential', 'lv_non_residential', 'hv_single', 'hv_dual'] AS types) t,
  (SELECT array_agg(id ORDER BY id) ids FROM accounts_user WHERE role = 'counter_staff') st
"""
APPLICATIONS = """
INSERT INTO connections_businessapplication (order_id, connection_type, purpose, applicant_name, capacity_kva,
  is_important, is_delegated, meter_number, energised_at)
SELECT o.id, o.sub_type, 'new_installation', 'bench', 10, false, false, '', o.closed_at
FROM services_workorder o WHERE o.number LIKE 'N%' AND o.kind = 'business_application'
"""
STAGE_CLOCKS = """
INSERT INTO services_clock (order_id, name, policy_id, target, unit, warning_levels, state, started_at, due_at,
  warning_level, stopped_at, breached_at)
SELECT o.id, p.clock, p.id, p.target, p.unit, '[]'::jsonb,
       CASE WHEN (o.id + p.id) % 17 = 0 THEN 'breached' ELSE 'met' END, o.opened_at,
       o.opened_at + interval '1 day' * p.target, 0, o.closed_at,
       CASE WHEN (o.id + p.id) % 17 = 0 THEN o.opened_at + interval '1 day' * p.target END
FROM services_workorder o
JOIN services_slapolicy p ON p.order_kind = o.kind AND p.sub_type = o.sub_type
WHERE o.number LIKE 'N%' AND o.kind = 'business_application'
"""


def _bound(sql: str, params: dict[str, int]) -> str:
    for name, value in params.items():
        sql = sql.replace(f"%({name})s", str(int(value)))
    return sql


def seed(args: argparse.Namespace) -> dict[str, str]:
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", accounts=2000, orders=0, seed=1, verbosity=0, stdout=StringIO(), stderr=StringIO())
    figures = {"demo city s": f"{time.monotonic() - started:.1f}"}
    params = {
        "grids": args.grids,
        "orders": args.orders,
        "tickets": args.tickets,
        "inspections": args.inspections,
        "connections": args.connections,
    }
    with connection.cursor() as cursor:
        # A batch job, not a request: the settings' statement timeout would cancel a million rows' INSERT.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SELECT count(*) FROM accounts_electricityaccount")
        params["accounts"] = max(0, args.accounts - cursor.fetchone()[0])  # the demo's 2,000 are there
    with connection.cursor() as cursor:
        for name, sql in (
            ("grids", GRIDS),
            ("accounts", ACCOUNTS),
            ("orders", ORDERS),
            ("clocks", CLOCKS),
            ("visits", VISITS),
            ("faults", FAULTS),
            ("complaints", COMPLAINTS),
            ("tickets", TICKETS),
            ("inspection orders", INSPECTION_ORDERS),
            ("inspections", INSPECTIONS),
            ("findings", FINDINGS),
            ("rectifications", RECTIFICATIONS),
            ("connection orders", CONNECTION_ORDERS),
            ("applications", APPLICATIONS),
            ("stage clocks", STAGE_CLOCKS),
        ):
            started = time.monotonic()
            cursor.execute(_bound(sql, params))  # no parameters: `%` stays SQL's modulo
            figures[f"{name} rows"] = f"{cursor.rowcount} in {time.monotonic() - started:.1f} s"
        cursor.execute("SELECT count(*) FROM accounts_servicegrid")
        per = args.accounts // cursor.fetchone()[0]
        cursor.execute(_bound(FIGURES, {"per": per}))
        cursor.execute("VACUUM ANALYZE")
    return figures


def rollups() -> dict[str, str]:
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from dashboards import late
    from dashboards import rollups as module

    out = {}
    started = time.monotonic()
    call_command("rebuild_rollups", days=400, verbosity=0, stdout=StringIO())
    out["rebuild 400 days s"] = f"{time.monotonic() - started:.1f}"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dashboards_dailyfigure")
        cursor.execute("SELECT count(*) FROM dashboards_dailyfigure")
        out["daily figure rows"] = str(cursor.fetchone()[0])
    started = time.monotonic()
    module.refresh_recent()
    out["refresh recent days s"] = f"{time.monotonic() - started:.2f}"
    started = time.monotonic()
    late.count_late_orders()  # beat, every five minutes
    out["count late orders s"] = f"{time.monotonic() - started:.2f}"
    return out


def people() -> dict[str, object]:
    from accounts.models import Department, Role, User

    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
    station = Department.objects.filter(kind="supply_station").order_by("code").first()
    manager, _created = User.objects.get_or_create(
        username="bench-station-manager", defaults={"role": Role.DEPARTMENT_MANAGER, "department": station}
    )
    return {"company": admin, f"供电所 {station.code}": manager}


def measure(client: object, url: str, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times, len(queries.captured_queries)


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]


def pages() -> list[tuple[str, str]]:
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    ninety = f"start={today - timedelta(days=89)}&end={today}"  # a range: scored on request, never stored
    return [
        ("dashboard, year", reverse("dashboards:dashboard")),
        ("dashboard, month", reverse("dashboards:dashboard") + "?period=month"),
        ("monthly report", reverse("dashboards:report")),
        ("scorecards, year", reverse("dashboards:scorecards")),
        ("scorecards, month", reverse("dashboards:scorecards") + "?period=month"),
        ("scorecards, page 2", reverse("dashboards:scorecards") + "?grids_page=2"),
        ("scorecards, week", reverse("dashboards:scorecards") + "?period=week"),
        ("scorecards, day", reverse("dashboards:scorecards") + "?period=day"),
        ("scorecards, 90 days", reverse("dashboards:scorecards") + f"?period=range&{ninety}"),
        ("dashboard, 90 days", reverse("dashboards:dashboard") + f"?period=range&{ninety}"),
        ("targets", reverse("dashboards:targets")),
        ("API figures, year", reverse("api:figures-summary")),
        ("API daily, 30 days", reverse("api:figures-daily") + "?measure=on_time"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded by an earlier run")
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--tickets", type=int, default=300_000)
    parser.add_argument("--inspections", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-rebuild", action="store_true", help="with --reuse: keep the daily figures as they are")
    args = parser.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    if setup_django(args.reuse):
        for name, value in seed(args).items():
            print(f"{name}: {value}")
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a kept database gets the tables added since it was seeded
    for name, value in ({} if args.no_rebuild else rollups()).items():
        print(f"{name}: {value}")
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import portal.wsgi  # noqa: F401 -- started as a gunicorn worker is: the URLconf loaded, what is loaded frozen (gc)

    print(f"{'page':22} {'who':22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for who, user in people().items():
        client = Client()
        client.force_login(user)
        for name, url in pages():
            times, queries = measure(client, url, args.requests)
            flag = "" if p95(times) <= TARGET_MS else "  over target"
            print(f"{name:22} {who:22} {statistics.median(times):10.1f} {p95(times):8.1f} {queries:8d}{flag}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    if not args.keep:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
