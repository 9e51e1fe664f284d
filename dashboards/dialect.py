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
