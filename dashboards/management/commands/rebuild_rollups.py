"""Recompute the dashboards' daily figures from scratch (or for a range of days)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards import rollups


class Command(BaseCommand):
    help = "Recompute the dashboards' daily figures (all measures) for the last N days, or since a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=400, help="How many days back from today (default 400).")
        parser.add_argument("--since", type=date.fromisoformat, help="The first day (YYYY-MM-DD) instead.")

    def handle(self, *args: Any, days: int, since: date | None, **options: Any) -> None:
        until = timezone.localdate() + timedelta(days=1)
        started = time.monotonic()
        rows = rollups.rebuild(since or until - timedelta(days=days + 1), until)
        seconds = time.monotonic() - started
        self.stdout.write(_("%(rows)d daily figures written in %(seconds).1f s.") % {"rows": rows, "seconds": seconds})
