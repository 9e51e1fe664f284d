"""The few SQL expressions that differ between PostgreSQL and SQLite, for the measures' sources."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone


class Dialect:
    """SQL snippets for the connection's database; `tz` is the portal's time zone (days are local days)."""

    def __init__(self, vendor: str | None = None) -> None:
        self.vendor = vendor or connection.vendor
        self.tz = settings.TIME_ZONE
        offset = timezone.localtime(timezone.now()).utcoffset()
        self.offset_hours = int(offset.total_seconds() // 3600) if offset else 0

    def day(self, column: str) -> str:
        """The local date of a timestamp column."""
        if self.vendor == "postgresql":
            return f"CAST(({column} AT TIME ZONE '{self.tz}') AS date)"
        return f"date({column}, '{self.offset_hours:+d} hours')"

    def month(self, column: str) -> str:
        """The first day of a date column's month."""
        if self.vendor == "postgresql":
            return f"CAST(date_trunc('month', {column}) AS date)"
        return f"date({column}, 'start of month')"

    def week(self, column: str) -> str:
        """The Monday of a date column's week."""
        if self.vendor == "postgresql":
            return f"CAST(date_trunc('week', {column}) AS date)"
        return f"date({column}, 'weekday 0', '-6 days')"  # on to the Sunday ending the week (itself if one), back six

    def hour(self, column: str) -> str:
        """The local hour (0–23) of a timestamp column."""
        if self.vendor == "postgresql":
            return f"CAST(EXTRACT(HOUR FROM ({column} AT TIME ZONE '{self.tz}')) AS integer)"
        return f"CAST(strftime('%%H', {column}, '{self.offset_hours:+d} hours') AS integer)"

    def minutes(self, start: str, end: str) -> str:
        """Minutes from one timestamp column to another."""
        if self.vendor == "postgresql":
            return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)"
        return f"((julianday({end}) - julianday({start})) * 1440.0)"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS varchar)"

    def bound(self, moment: datetime) -> object:
        """A timestamp parameter as the database compares it with a stored column."""
        return moment if self.vendor == "postgresql" else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


# pg_advisory_xact_lock's key for the rollups' writers (dashboards.rollups.rebuild, scorecards.write_scores).
ROLLUP_WRITER_LOCK = 7_240_015


def one_writer() -> None:
    """Wait, inside the caller's transaction, until no other rebuild or scoring is writing: two at once would both
    delete the same rows and both insert theirs (figures counted twice, and a unique-constraint error in the
    scores) when the beat's refresh meets a `rebuild_rollups` or an import's rescoring. SQLite needs nothing: its
    writers already take the database in turn (transaction_mode IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_WRITER_LOCK])
