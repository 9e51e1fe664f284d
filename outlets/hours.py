"""When an outlet is open: its week's hours, bent by the working-day calendar and its own exceptions.

The rule, in order:
1. an exception row for the day (closed, or other hours) decides;
2. a public holiday (a day off by the national calendar or the administrator's calendar exceptions that is
   not a plain weekend, services.sla.WorkingCalendar) closes the outlet, unless it `opens_on_holidays`, when
   it keeps its Sunday hours;
3. a weekend day made a working day (调休) keeps Monday's hours;
4. any other day keeps its weekday's hours.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime, time

import holidays
from django.utils import timezone

from outlets.models import OpeningException, OpeningHours, Outlet
from services.sla import WorkingCalendar

Period = tuple[time, time]
MONDAY, SUNDAY = 0, 6


@functools.cache
def _national_holidays(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def _is_holiday(day: date, calendar: WorkingCalendar) -> bool:
    if calendar.is_working_day(day):
        return False
    return day.weekday() < 5 or day in _national_holidays(day.year) or day in calendar.exceptions


def week_day_for(outlet: Outlet, day: date, calendar: WorkingCalendar) -> int | None:
    """Whose weekday's hours the outlet keeps on `day` (rules 2–4), or None when it is closed for a holiday."""
    if _is_holiday(day, calendar):
        return SUNDAY if outlet.opens_on_holidays else None
    if day.weekday() >= 5 and calendar.is_working_day(day):
        return MONDAY
    return day.weekday()


def periods_on(
    outlet: Outlet,
    day: date,
    *,
    calendar: WorkingCalendar,
    hours: Iterable[OpeningHours] | None = None,
    exceptions: Iterable[OpeningException] | None = None,
) -> list[Period]:
    """The outlet's opening periods on `day`; pass prefetched `hours`/`exceptions` to spare the queries."""
    exceptions = outlet.exceptions.filter(day=day) if exceptions is None else exceptions
    for exception in exceptions:
        if exception.day == day:
            return exception.periods()
    weekday = week_day_for(outlet, day, calendar)
    if weekday is None:
        return []
    hours = outlet.hours.all() if hours is None else hours
    return sorted((row.opens_at, row.closes_at) for row in hours if row.weekday == weekday)


def is_open_at(periods: list[Period], at: datetime) -> bool:
    moment = timezone.localtime(at).time()
    return any(opens <= moment < closes for opens, closes in periods)


def is_open(outlet: Outlet, at: datetime | None = None) -> bool:
    """Whether the outlet is open at `at` (now by default)."""
    at = at or timezone.now()
    return is_open_at(periods_on(outlet, timezone.localdate(at), calendar=WorkingCalendar()), at)


def describe(periods: list[Period]) -> str:
    return ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in periods)
