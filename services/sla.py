"""Time limits: the working-day calendar, which policy applies to an order, and the clocks that run on it.

The rules, in one place (tests/services/test_calendar.py and test_sla.py hold them to it):

- A working day is one the national calendar (`holidays.China`, which knows the weekend days made working days,
  调休) calls a working day, unless a CalendarException row says otherwise. Days are local (Asia/Shanghai).
- A limit of N working days ends at the close of the Nth working day after the day of acceptance (that day
  does not count). The close of a day is the midnight that starts the next one: `due_at` is that instant, and
  a clock stopped at or before it is met.
- Minutes and hours run around the clock. Working time counts only the hours of working days (24 h each),
  from the midnight after the acceptance day. A warning at p % comes when (100 − p) % of the allowance is
  left before the due time: wall-clock time for minutes and hours, working time for working days. Counted
  back from the due time, a level reached at the end of a working day is announced when the next working day
  begins, not on the days off in between.
- A pause moves the due time by the paused time in the clock's own units: the wall-clock pause for minutes
  and hours, the working time that passed during the pause for working days.

Clocks copy target, unit and warning levels from their policy at start: a later policy change moves nothing.
services.escalation.sweep raises the warnings and breaches.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from services import events, kinds
from services.models import CalendarException, Clock, ClockState, EventKind, SlaPolicy, SlaUnit, WorkOrder

DAY = timedelta(days=1)
LIVE_STATES = [ClockState.RUNNING, ClockState.PAUSED]

# Clocks any kind may start; a kind names its own (services.kinds.Kind.clocks).
CLOCK_LABELS: dict[str, Promise] = {
    "resolution": _("Resolution"),
}


def clock_label(name: str) -> str:
    # A kind names its stage clocks (services.kinds.Kind.clocks); an unnamed stage shows its bare name.
    return str(CLOCK_LABELS.get(name) or kinds.clock_labels().get(name) or name.removeprefix("stage:"))


# --- The calendar --------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    # The portal's zone, not the active one: a deadline does not depend on who is looking.
    return timezone.get_default_timezone()


def local_day(at: datetime) -> date:
    return at.astimezone(_zone()).date()


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone())


@functools.cache
def _national_working_days(year: int) -> frozenset[date]:
    """The year's working days by the national calendar, from the holidays package (computed once a process)."""
    calendar = holidays.China(years=year)
    first = date(year, 1, 1)
    days = (first + DAY * i for i in range((date(year + 1, 1, 1) - first).days))
    return frozenset(day for day in days if calendar.is_working_day(day))


class WorkingCalendar:
    """The national calendar with the administrator's exceptions, read in one query when it is made.

    Make one per computation and pass it along: exceptions are few, and edits take effect on the next one.
    """

    def __init__(self) -> None:
        self.exceptions: dict[date, bool] = dict(CalendarException.objects.values_list("day", "is_working_day"))

    def is_working_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day in _national_working_days(day.year)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        day, counted = local_day(start), 0
        while counted < n:
            day += DAY
            counted += self.is_working_day(day)
        return start_of(day + DAY)

    def advance(self, at: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of working time after `at` (days off are stepped over)."""
        while amount > timedelta(0):
            day = local_day(at)
            end = start_of(day + DAY)
            if self.is_working_day(day):
                if amount <= end - at:
                    return at + amount
                amount -= end - at
            at = end
        return at

    def retreat(self, at: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of working time before `at` (days off are stepped over)."""
        while amount > timedelta(0):
            day = local_day(at - timedelta(microseconds=1))
            begin = start_of(day)
            if self.is_working_day(day):
                if amount <= at - begin:
                    return at - amount
                amount -= at - begin
            at = begin
        return at

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """How much working time lies between `start` and `end`."""
        total = timedelta(0)
        while start < end:
            day = local_day(start)
            next_start = start_of(day + DAY)
            if self.is_working_day(day):
                total += min(next_start, end) - start
            start = next_start
        return total


def is_working_day(day: date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime, n: int) -> datetime:
    """The close of the Nth working day after the local day of `start` (the midnight that begins the next day)."""
    return WorkingCalendar().add_working_days(start, n)


# --- Policies ------------------------------------------------------------------------------------------


def _criteria(order: WorkOrder) -> dict[str, str]:
    return {
        "sub_type": order.sub_type,
        "customer_class": order.account.customer_class if order.account_id else "",
        "area_type": order.grid.area_type if order.grid_id else "",
        "channel": order.channel,
    }


def policy_for(order: WorkOrder, clock: str, *, at: datetime | None = None) -> SlaPolicy | None:
    """The policy for the order's `clock` in force on the local day of `at`: the most specific match wins,
    then the latest effective_from. Blank criteria on a policy match anything."""
    day = local_day(at or timezone.now())
    criteria = _criteria(order)
    policies = SlaPolicy.objects.filter(order_kind=order.kind, clock=clock, effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )
    for field, value in criteria.items():
        policies = policies.filter(Q(**{field: ""}) | Q(**{field: value}))

    def rank(policy: SlaPolicy) -> tuple[int, date, int]:
        return (sum(bool(getattr(policy, field)) for field in criteria), policy.effective_from, policy.pk)

    return max(policies, key=rank, default=None)


# --- Clock arithmetic ----------------------------------------------------------------------------------


def allowed_time(clock: Clock) -> timedelta:
    """The clock's whole allowance: wall-clock time, or working time for working days."""
    if clock.unit == SlaUnit.MINUTES:
        return timedelta(minutes=clock.target)
    if clock.unit == SlaUnit.HOURS:
        return timedelta(hours=clock.target)
    return clock.target * DAY


def due_time(unit: str, target: int, start: datetime, calendar: WorkingCalendar) -> datetime:
    if unit == SlaUnit.WORKING_DAYS:
        return calendar.add_working_days(start, target)
    return start + (timedelta(minutes=target) if unit == SlaUnit.MINUTES else timedelta(hours=target))


def level_time(clock: Clock, percent: int, calendar: WorkingCalendar) -> datetime:
    """When `percent` % of the clock's allowance will have been used, counted back from its due time."""
    left = allowed_time(clock) * (100 - percent) / 100
    if clock.unit == SlaUnit.WORKING_DAYS:
        return calendar.retreat(clock.due_at, left)
    return clock.due_at - left


def next_alert(clock: Clock, calendar: WorkingCalendar) -> datetime | None:
    """When the sweep must next look at a running clock: its next warning level, its due time, or never."""
    if clock.breached_at is not None:
        return None
    if clock.warning_level < len(clock.warning_levels):
        return level_time(clock, clock.warning_levels[clock.warning_level], calendar)
    return clock.due_at


def reached_level(clock: Clock, now: datetime, calendar: WorkingCalendar) -> int:
    """How many of the clock's warning levels have come by `now` (at least the ones already announced)."""
    level = clock.warning_level
    while level < len(clock.warning_levels) and level_time(clock, clock.warning_levels[level], calendar) <= now:
        level += 1
    return level


def _pause_shift(clock: Clock, until: datetime, calendar: WorkingCalendar) -> timedelta:
    """How far a pause from clock.paused_at to `until` moves the due time, in the clock's own units."""
    if clock.unit != SlaUnit.WORKING_DAYS:
        return max(until - clock.paused_at, timedelta(0))
    # Time on the acceptance day never counted, so a pause on it gives nothing back.
    counted_from = max(clock.paused_at, start_of(local_day(clock.started_at) + DAY))
    return calendar.working_time(counted_from, until)


def _resume(clock: Clock, at: datetime, calendar: WorkingCalendar) -> None:
    clock.due_at = (
        calendar.advance(clock.due_at, _pause_shift(clock, at, calendar))
        if clock.unit == SlaUnit.WORKING_DAYS
        else clock.due_at + _pause_shift(clock, at, calendar)
    )
    clock.state, clock.paused_at = ClockState.RUNNING, None
    clock.alert_at = next_alert(clock, calendar)


def local_text(at: datetime) -> str:
    """A due time as every page shows it: the one deadline filter (a midnight end reads 24:00 of the day before)."""
    from services.templatetags.deadlines import deadline  # a leaf module; imported here, where it is needed

    return deadline(at)


# --- Clock lifecycle -----------------------------------------------------------------------------------
# Timeline convention for clock events: old_value is the clock's name, new_value its new state or warning level.


def _live_clock(order: WorkOrder, name: str, states: list[str]) -> Clock | None:
    return Clock.objects.select_for_update().filter(order=order, name=name, state__in=states).first()


def start_clock(order: WorkOrder, name: str, *, at: datetime | None = None, new: bool = False) -> Clock | None:
    """Start the order's clock `name` from the policy that matches it; None when no policy does.

    A clock of that name already running or paused is returned as it is. `new` says the order was opened in this
    transaction, so it has no clock to look for.
    """
    at = at or timezone.now()
    with transaction.atomic():
        live = None if new else _live_clock(order, name, LIVE_STATES)
        if live is not None:
            return live
        policy = policy_for(order, name, at=at)
        if policy is None:
            return None
        calendar = WorkingCalendar()
        clock = Clock(
            order=order,
            name=name,
            policy=policy,
            target=policy.target,
            unit=policy.unit,
            warning_levels=sorted({int(p) for p in policy.warning_levels if 0 < int(p) < 100}),
            started_at=at,
            due_at=due_time(policy.unit, policy.target, at, calendar),
        )
        clock.alert_at = next_alert(clock, calendar)
        clock.save()
        note = gettext("Due at %(due)s") % {"due": local_text(clock.due_at)}
        events.record(order, EventKind.CLOCK_STARTED, by=None, old=name, new=ClockState.RUNNING, note=note, at=at)
    return clock


def pause_clock(
    order: WorkOrder, name: str, *, by: User | None, note: str = "", at: datetime | None = None
) -> Clock | None:
    """Pause the order's running clock `name` (waiting for the customer); None when none is running."""
    at = at or timezone.now()
    with transaction.atomic():
        clock = _live_clock(order, name, [ClockState.RUNNING])
        if clock is None:
            return None
        clock.state, clock.paused_at, clock.alert_at = ClockState.PAUSED, at, None
        clock.save(update_fields=["state", "paused_at", "alert_at"])
        events.record(order, EventKind.CLOCK_PAUSED, by=by, old=name, new=ClockState.PAUSED, note=note, at=at)
    return clock


def resume_clock(
    order: WorkOrder, name: str, *, by: User | None, note: str = "", at: datetime | None = None
) -> Clock | None:
    """Resume the order's paused clock `name`, its due time moved on by the pause; None when none is paused."""
    at = at or timezone.now()
    with transaction.atomic():
        clock = _live_clock(order, name, [ClockState.PAUSED])
        if clock is None:
            return None
        _resume(clock, at, WorkingCalendar())
        clock.save(update_fields=["state", "paused_at", "due_at", "alert_at"])
        note = note or gettext("Due at %(due)s") % {"due": local_text(clock.due_at)}
        events.record(order, EventKind.CLOCK_RESUMED, by=by, old=name, new=ClockState.RUNNING, note=note, at=at)
    return clock


def stop_clock(order: WorkOrder, name: str, *, at: datetime | None = None) -> Clock | None:
    """Stop the order's clock `name`: met if at or before its due time, else breached; None when none is live.

    A paused clock is resumed at `at` first, so the pause is not held against it.
    """
    at = at or timezone.now()
    with transaction.atomic():
        clock = _live_clock(order, name, LIVE_STATES)
        if clock is None:
            return None
        if clock.state == ClockState.PAUSED:
            _resume(clock, at, WorkingCalendar())
        late = clock.breached_at is not None or at > clock.due_at
        clock.state = ClockState.BREACHED if late else ClockState.MET
        clock.breached_at = clock.breached_at or (at if late else None)
        clock.stopped_at, clock.alert_at = at, None
        clock.save(update_fields=["state", "paused_at", "due_at", "alert_at", "breached_at", "stopped_at"])
        events.record(order, EventKind.CLOCK_STOPPED, by=None, old=name, new=clock.state, at=at)
    return clock


# --- For pages and the API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockStatus:
    """What a page shows of a clock. `state` is on_track, warning, breached, paused or met."""

    name: str
    label: str
    state: str
    state_label: str
    due_at: datetime
    remaining_seconds: int  # negative once late; frozen while paused or stopped
    warning_level: int
    is_breached: bool


STATE_LABELS: dict[str, Promise] = {
    "on_track": _("On track"),
    "paused": _("Paused"),
    "met": _("Met"),
    "breached": _("Breached"),
}


def clock_status(clock: Clock, now: datetime) -> ClockStatus:
    """The clock as of `now`, without a query (the level is the sweep's, at most a minute behind)."""
    until = {ClockState.PAUSED: clock.paused_at, ClockState.RUNNING: now}.get(clock.state, clock.stopped_at)
    breached = clock.state == ClockState.BREACHED or clock.breached_at is not None or until > clock.due_at
    if clock.state in (ClockState.MET, ClockState.PAUSED):
        state = str(clock.state)
    elif breached:
        state = "breached"
    else:
        state = "warning" if clock.warning_level else "on_track"
    if state == "warning":
        state_label = gettext("Warning level %(level)d") % {"level": clock.warning_level}
    else:
        state_label = str(STATE_LABELS[state])
    return ClockStatus(
        name=clock.name,
        label=clock_label(clock.name),
        state=state,
        state_label=state_label,
        due_at=clock.due_at,
        remaining_seconds=int((clock.due_at - until).total_seconds()),
        warning_level=clock.warning_level,
        is_breached=breached,
    )
