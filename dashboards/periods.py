"""The period a dashboard shows (day, week, month, quarter, year or a range) and the one before it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

KINDS = {
    "day": _("Day"),
    "week": _("Week"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "range": _("Range"),
}
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> Period:
        """The period of the same kind just before (a month before a month); a range: as many days before."""
        if self.kind in ("month", "quarter", "year"):
            return around(self.kind, self.start - timedelta(days=1))
        return Period(self.kind, self.start - timedelta(days=self.days), self.start)

    def query(self) -> dict[str, str]:
        if self.kind == "range":
            return {"period": "range", "start": self.start.isoformat(), "end": self.last.isoformat()}
        return {"period": self.kind, "on": self.start.isoformat()}


def around(kind: str, day: date) -> Period:
    """The period of `kind` that holds `day`."""
    if kind == "day":
        return Period(kind, day, day + timedelta(days=1))
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=7))
    if kind == "month":
        first = day.replace(day=1)
        return Period(kind, first, (first + timedelta(days=32)).replace(day=1))
    if kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(kind, first, (first + timedelta(days=95)).replace(day=1))
    return Period("year", date(day.year, 1, 1), date(day.year + 1, 1, 1))


def read_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def period_from(params: Mapping[str, str], today: date) -> Period:
    """The period the query asks for; anything unreadable falls back to this year."""
    kind = params.get("period", "year")
    if kind == "range":
        start, last = read_date(params.get("start")), read_date(params.get("end"))
        if start and last and start <= last and (last - start).days < MAX_DAYS:
            return Period("range", start, last + timedelta(days=1))
        kind = "year"
    if kind not in KINDS:
        kind = "year"
    return around(kind, read_date(params.get("on")) or today)
