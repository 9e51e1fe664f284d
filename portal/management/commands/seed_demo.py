"""`manage.py seed_demo`: build the demo city (accounts.demo) and a year of its work orders (portal.demo_orders), show
progress, print the demo logins.

It lives in the portal app, above both: accounts must not import services.
"""

import sys
import time
import unicodedata
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts import demo
from accounts.models import Customer, Department, ElectricityAccount, MeterReading, Role, ServiceGrid, User
from billing import demo as billing_demo
from dashboards import demo as dashboards_demo
from outlets import demo as outlets_demo
from outlets.kiosk import demo as kiosk_demo
from portal import demo_complaints, demo_library
from portal import demo_orders as orders_demo
from portal import demo_presale as presale_demo
from services.connections import demo as connections_demo
from services.inspections import demo as inspections_demo
from services.models import WorkOrder


class Command(BaseCommand):
    help = (
        "Build the demo city: departments, 台区, staff with known logins, customers, accounts and readings, "
        "and a year of fault repairs and service applications."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="The same seed gives the same city.")
        parser.add_argument(
            "--accounts", type=int, default=demo.DEFAULT_ACCOUNTS, help="How many electricity accounts the city has."
        )
        parser.add_argument(
            "--chunk-size", type=int, default=demo.CHUNK_SIZE, help="Accounts inserted per transaction."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any electricity account exists already."
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=None,
            help="How many work orders the year has (default: two for every five accounts; 0 for none).",
        )

    def handle(
        self,
        *args: Any,
        seed: int,
        accounts: int,
        chunk_size: int,
        if_empty: bool,
        orders: int | None,
        **options: Any,
    ) -> None:
        if not 0 <= accounts <= demo.MAX_ACCOUNTS:
            raise CommandError(_("--accounts must be between 0 and %(max)d.") % {"max": demo.MAX_ACCOUNTS})
        if chunk_size < 1 or seed < 0:
            raise CommandError(_("--chunk-size must be positive and --seed not negative."))
        orders = orders_demo.default_orders(accounts) if orders is None else orders
        if orders < 0:
            raise CommandError(_("--orders must not be negative."))
        quiet = options["verbosity"] == 0
        if if_empty and ElectricityAccount.objects.exists():
            self.stdout.write(_("The database already has electricity accounts: nothing was seeded."))
            if not quiet:
                self._print_logins()  # `make demo` shows them on every start
            return
        with _no_statement_timeout():
            started = time.monotonic()
            with tqdm(total=accounts, unit=" accounts", file=sys.stderr, disable=quiet, smoothing=0.1) as bar:
                counts = demo.seed_city(seed=seed, accounts=accounts, chunk_size=chunk_size, progress=bar.update)
            # Pre-sale (issue 11): a share of the year's orders are enquiries (portal.demo_presale).
            enquiries = presale_demo.enquiries_of(orders)
            # outlets (issue 10): halls, convenience points, counters, the agent and a year of tickets. Before the
            # orders: the halls' clerks are among the counter staff the orders' planner draws from.
            outlets_demo.seed_outlets(seed=seed)
            # In-sale's done changes of use alter the accounts reserved for them: as planned again before the orders
            # read the accounts, so a city seeded anew after its orders were deleted gets the same orders.
            connections_demo.restore_reserved(seed=seed, orders=orders)
            with tqdm(total=orders, unit=" orders", file=sys.stderr, disable=quiet, smoothing=0.1) as bar:
                added_orders = orders_demo.seed_orders(seed=seed, orders=orders - enquiries, progress=bar.update)
            if orders:  # Complaints (issue 9): a year of them, in proportion to the city.
                demo_complaints.seed_complaints(seed=seed)
                demo_library.seed_library(seed=seed)  # their analysis meetings, actions and typical cases
            presale = presale_demo.seed_presale(seed=seed, enquiries=enquiries)
            added_orders += presale.get("enquiries", 0)
            added_orders += connections_demo.seed_connections(seed=seed, orders=orders)  # in-sale (issue 12)
            # Kiosks in the demo's halls, with heartbeats (outlets.kiosk.demo): after the outlets are seeded.
            kiosk_demo.seed_kiosks()
            # Issue 13: plans, inspections, planted anomalies; issue 14: a year of bills and payments, arrears,
            # prepaid accounts; issue 15: targets, external figures, the year's daily figures.
            inspections_demo.seed_inspections(seed=seed, orders=orders)
            billing_demo.seed_billing(seed=seed)
            dashboards_demo.seed_dashboards(seed=seed)
            if not quiet:
                self._print_logins()
                self._print_counts(counts, added_orders, time.monotonic() - started)
                for name, count in presale.items():
                    self.stdout.write(f"{presale_demo.LABELS[name]}: {count}")

    def _print_logins(self) -> None:
        header = (_("Username"), _("Role"), _("Department"), _("Password"))
        # The city's logins, then those the apps add (the complaint centre's head and the leadership, the agent).
        extra = [login.username for login in (*demo_complaints.COMPLAINT_STAFF, outlets_demo.AGENT)]
        users = [*demo.demo_logins(), *User.objects.filter(username__in=extra).select_related("department")]
        rows = [
            (user.username, Role(user.role).label, str(user.department or "—"), demo.DEMO_PASSWORD) for user in users
        ]
        widths = [max(_width(str(row[column])) for row in [header, *rows]) for column in range(len(header))]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo logins")))
        for row in [header, *rows]:
            self.stdout.write("  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True)))
        # The demo kiosks' keys (outlets.kiosk.demo; docs/kiosk-guide.md shows how a kiosk sends one).
        for kiosk, header in kiosk_demo.demo_keys():
            self.stdout.write(f"{kiosk}: Authorization: {header}")

    def _print_counts(self, counts: demo.Counts, orders: int, seconds: float) -> None:
        self.stdout.write("")
        totals = [
            (_("Departments"), Department.objects.count(), None),
            (_("Service grids (台区)"), ServiceGrid.objects.count(), None),
            (_("Staff"), User.objects.exclude(role=Role.CUSTOMER).count(), None),
            (_("Customers"), Customer.objects.count(), counts.customers),
            (_("Electricity accounts"), ElectricityAccount.objects.count(), counts.accounts),
            (_("Meter readings"), MeterReading.objects.count(), counts.readings),
            (_("Work orders"), WorkOrder.objects.count(), orders),
        ]
        for label, total, added in totals:
            suffix = "" if added is None else " " + _("(%(added)d added)") % {"added": added}
            self.stdout.write(f"{label}: {total}{suffix}")
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": seconds})


def _width(text: str) -> int:
    """The width on a terminal: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@contextmanager
def _no_statement_timeout() -> Iterator[None]:
    """A batch job, not a request: the web's statement timeout (settings) would cancel a million-account city's bulk
    statements. Lifted for the seeding on PostgreSQL and put back after it, for a connection that outlives the
    command (a test's, a shell's)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        before = cursor.fetchone()[0]
        cursor.execute("SET statement_timeout = 0")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [before])
        except DatabaseError:
            pass  # the seeding failed in a transaction that is now aborted: its rollback undoes the SET too
