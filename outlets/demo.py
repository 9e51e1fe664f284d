"""The demo city's outlets (`manage.py seed_demo`): 台州's business halls and village convenience points, their
counters and queue services, the 台区' locations, an agent, appointment slots, and a year of tickets.

Deterministic from the seed. Halls stand in each district's and county's seat, convenience points in the
remote and rural towns (大陈岛, 淡竹乡…). A year of tickets is simulated per hall and day: arrivals follow the
week (Mondays and month ends busiest, weekends light, holidays closed) and the day (peaks at 9–11 and 14–16);
each hall's counters serve them first come first served with service times around the service's typical
minutes, so waits build up at the peaks as they do in a real hall. The number of tickets grows with the city
(TICKETS_PER_ACCOUNT_DAY), and everything is bulk-inserted.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import demo as city
from accounts.models import Department, ElectricityAccount, Role, ServiceGrid, User
from outlets import hours
from outlets.models import (
    AppointmentSlot,
    Counter,
    GridLocation,
    OpeningHours,
    Outlet,
    OutletAgent,
    OutletKind,
    QueueService,
    Ticket,
    TicketNumber,
    TicketSource,
    TicketStatus,
)
from services.sla import WorkingCalendar

DEMO_HALL = "TZ-H01"  # its board moves by itself in `make demo` (outlets.tasks.move_demo_hall)
AGENT = city.Login("agent", "潘秀英", Role.CONVENIENCE_AGENT, "TZ-XJ-03")
AGENT_POINT = "TZ-P04"
TICKETS_PER_ACCOUNT_DAY = 0.0008  # a city of a million accounts: ~800 hall visits a working day
MIN_TICKETS_PER_DAY = 60
TICKETS_PER_COUNTER_DAY = 45  # a hall opens as many counters as its expected day needs
BATCH = 5_000

SERVICES = (
    # code, name, prefix, priority, typical minutes, share of visits
    ("payment", "缴费与查询", "A", 5, 4, 0.52),
    ("connection", "新装与增容", "B", 3, 15, 0.12),
    ("change", "变更用电", "C", 4, 12, 0.18),
    ("service", "故障报修与投诉", "D", 2, 9, 0.18),
)
# Town centres (latitude, longitude), approximate; a 台区 lies within ~1 km of its town's.
TOWNS = {
    "海门街道": (28.684, 121.442), "葭沚街道": (28.652, 121.455), "白云街道": (28.660, 121.410),
    "洪家街道": (28.622, 121.392), "大陈镇": (28.470, 121.890), "路桥街道": (28.582, 121.372),
    "路南街道": (28.560, 121.380), "金清镇": (28.520, 121.520), "蓬街镇": (28.550, 121.555),
    "安洲街道": (28.850, 120.730), "福应街道": (28.862, 120.752), "白塔镇": (28.790, 120.850),
    "田市镇": (28.820, 120.630), "淡竹乡": (28.680, 120.570), "海游街道": (29.100, 121.380),
    "沙柳街道": (29.140, 121.390), "健跳镇": (29.030, 121.630), "花桥镇": (29.110, 121.500),
}  # fmt: skip


@dataclass(frozen=True)
class OutletSpec:
    code: str  # TZ-H… a hall, TZ-P… a convenience point
    name: str
    station: str  # department code
    town: str
    address: str
    counters: int

    @property
    def kind(self) -> OutletKind:
        return OutletKind.HALL if self.code.startswith("TZ-H") else OutletKind.POINT

    @property
    def hours(self) -> tuple[tuple[int, time, time], ...]:
        return HALL if self.kind == OutletKind.HALL else POINT


def _week(weekday: tuple[time, time], weekend: tuple[time, time] | None) -> tuple[tuple[int, time, time], ...]:
    days = [(d, *weekday) for d in range(5)]
    return tuple(days + ([(d, *weekend) for d in (5, 6)] if weekend else []))


HALL = _week((time(8, 30), time(17)), (time(9), time(16)))
POINT = _week((time(9), time(16)), None)
OUTLETS = (
    OutletSpec("TZ-H01", "椒江中心营业厅", "TZ-JJ-01", "海门街道", "台州市椒江区市府大道358号", 5),
    OutletSpec("TZ-H02", "白云营业厅", "TZ-JJ-02", "白云街道", "台州市椒江区白云山南路88号", 3),
    OutletSpec("TZ-H03", "路桥营业厅", "TZ-LQ-01", "路桥街道", "台州市路桥区路桥大道266号", 4),
    OutletSpec("TZ-H04", "仙居营业厅", "TZ-XJ-01", "安洲街道", "台州市仙居县穿城中路12号", 2),
    OutletSpec("TZ-H05", "三门营业厅", "TZ-SM-01", "海游街道", "台州市三门县海游镇南山路5号", 2),
    OutletSpec("TZ-P01", "大陈岛便民服务点", "TZ-JJ-03", "大陈镇", "台州市椒江区大陈镇码头路1号", 1),
    OutletSpec("TZ-P02", "金清便民服务点", "TZ-LQ-02", "金清镇", "台州市路桥区金清镇新金清大道9号", 1),
    OutletSpec("TZ-P03", "白塔便民服务点", "TZ-XJ-02", "白塔镇", "台州市仙居县白塔镇白塔村村委会", 1),
    OutletSpec("TZ-P04", "淡竹便民服务点", "TZ-XJ-03", "淡竹乡", "台州市仙居县淡竹乡淡竹村村委会", 1),
    OutletSpec("TZ-P05", "健跳便民服务点", "TZ-SM-02", "健跳镇", "台州市三门县健跳镇健跳村便民中心", 1),
)  # fmt: skip
WEEKDAY_LOAD = (1.3, 1.05, 1.0, 0.95, 1.1, 0.45, 0.35)
HOUR_LOAD = {8: 0.5, 9: 1.4, 10: 1.7, 11: 1.2, 12: 0.45, 13: 0.7, 14: 1.3, 15: 1.45, 16: 0.8}
HALL_SHARE = {"TZ-H01": 0.34, "TZ-H02": 0.16, "TZ-H03": 0.26, "TZ-H04": 0.12, "TZ-H05": 0.12}
SOURCES = ((TicketSource.KIOSK, 0.7), (TicketSource.COUNTER, 0.15), (TicketSource.REMOTE, 0.1))


def _jitter(rng: random.Random, where: tuple[float, float], spread: float) -> tuple[str, str]:
    lat, lon = where
    return f"{lat + rng.uniform(-spread, spread):.6f}", f"{lon + rng.uniform(-spread, spread):.6f}"


def _town_of(grid_code: str) -> tuple[str, str]:
    """The (district, town) of a demo 台区, by walking the city's plan as accounts.demo does."""
    for branch in city.BRANCHES:
        for station in branch.stations:
            places = [(town, place) for town, names in station.towns for place in names]
            for n, (town, _place) in enumerate(places, start=1):
                if f"{station.code}-{n:02d}" == grid_code:
                    return branch.county, town
    raise KeyError(grid_code)


def seed_outlets(*, seed: int, now: datetime | None = None) -> int:
    """Create the demo outlets and a year of tickets ending now; nothing if the outlets exist. Returns tickets."""
    if Outlet.objects.exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(f"outlets-{seed}")
    with transaction.atomic():
        services = _seed_services()
        _seed_locations(rng)
        outlets = _seed_outlets(rng, services)
        _seed_agent()
        seed_robots()
        _seed_slots(outlets[DEMO_HALL], services, now)
    accounts = ElectricityAccount.objects.count()
    # A small demo city still fills its halls a little: at least a tenth of its accounts, up to 60 a day.
    per_day = max(min(MIN_TICKETS_PER_DAY, accounts / 10), accounts * TICKETS_PER_ACCOUNT_DAY)
    return _seed_tickets(rng, outlets, services, per_day, now)


def _seed_services() -> dict[str, QueueService]:
    return {
        code: QueueService.objects.create(
            code=code, name=name, prefix=prefix, priority=priority, typical_minutes=minutes
        )
        for code, name, prefix, priority, minutes, _share in SERVICES
    }


def _seed_locations(rng: random.Random) -> None:
    rows = []
    for grid in ServiceGrid.objects.filter(code__in=[g.code for g in city.GRIDS]).order_by("code"):
        district, town = _town_of(grid.code)
        lat, lon = _jitter(rng, TOWNS[town], 0.01)
        rows.append(GridLocation(grid=grid, district=district, town=town, latitude=lat, longitude=lon))
    GridLocation.objects.bulk_create(rows)


def _seed_outlets(rng: random.Random, services: dict[str, QueueService]) -> dict[str, Outlet]:
    departments = {d.code: d for d in Department.objects.filter(code__in=[s.station for s in OUTLETS])}
    outlets = {}
    for spec in OUTLETS:
        lat, lon = _jitter(rng, TOWNS[spec.town], 0.003)
        district = _town_of(f"{spec.station}-01")[0]
        grid = ServiceGrid.objects.filter(department=departments[spec.station]).order_by("code").first()
        outlet = Outlet.objects.create(
            code=spec.code, name=spec.name, kind=spec.kind, department=departments[spec.station],
            district=district, address=spec.address, phone="95598", latitude=lat, longitude=lon, grid=grid,
        )  # fmt: skip
        offered = list(services.values()) if spec.kind == OutletKind.HALL else [services["payment"]]
        outlet.services.set(offered)
        OpeningHours.objects.bulk_create(
            OpeningHours(outlet=outlet, weekday=day, opens_at=opens, closes_at=closes)
            for day, opens, closes in spec.hours
        )
        _seed_counters(outlet, spec, offered)
        outlets[spec.code] = outlet
    return outlets


def _seed_counters(outlet: Outlet, spec: OutletSpec, offered: list[QueueService]) -> None:
    for number in range(1, spec.counters + 1):
        counter = Counter.objects.create(outlet=outlet, number=number, name=f"{number}号窗口")
        # Counter 1 serves everything; the others payments and one more service each, in turn.
        if number == 1 or len(offered) == 1:
            counter.services.set(offered)
        else:
            counter.services.set([offered[0], offered[1 + (number - 2) % (len(offered) - 1)]])


def _seed_agent() -> None:
    department = Department.objects.get(code=AGENT.department)
    user, _created = User.objects.get_or_create(
        username=AGENT.username,
        defaults={"full_name": AGENT.full_name, "role": AGENT.role, "department": department,
                  "password": make_password(city.DEMO_PASSWORD)},
    )  # fmt: skip
    OutletAgent.objects.get_or_create(user=user, defaults={"outlet": Outlet.objects.get(code=AGENT_POINT)})


def _seed_slots(hall: Outlet, services: dict[str, QueueService], now: datetime) -> None:
    """Appointment slots for the next week's working days: new connections and changes, every half hour."""
    today, calendar, slots = timezone.localdate(now), WorkingCalendar(), []
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        if not calendar.is_working_day(day):
            continue
        for minute in range(9 * 60, 16 * 60, 30):
            starts = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))
            for code in ("connection", "change"):
                slots.append(
                    AppointmentSlot(outlet=hall, service=services[code], starts_at=starts,
                                    ends_at=starts + timedelta(minutes=30), capacity=2)
                )  # fmt: skip
    AppointmentSlot.objects.bulk_create(slots)


# --- A year of tickets ---------------------------------------------------------------------------------


def _clerks(outlets: dict[str, Outlet]) -> dict[int, list[int]]:
    """The counter staff of each outlet's department (the hall's clerks), by outlet id."""
    staff: dict[int, list[int]] = {}
    for outlet in outlets.values():
        ids = list(
            User.objects.filter(department=outlet.department_id, role=Role.COUNTER_STAFF).values_list("pk", flat=True)
        )
        staff[outlet.pk] = ids or [None]  # type: ignore[list-item]
    return staff


def _seed_tickets(
    rng: random.Random, outlets: dict[str, Outlet], services: dict[str, QueueService], per_day: int, now: datetime
) -> int:
    calendar, today = WorkingCalendar(), timezone.localdate(now)
    counters = {o.pk: list(o.counters.order_by("number")) for o in outlets.values()}
    clerks = _clerks(outlets)
    # Each hall's week and exceptions read once, not twice a day for a year (two queries × 1,825 hall-days).
    week = {o.pk: list(o.hours.all()) for o in outlets.values()}
    exceptions = {o.pk: list(o.exceptions.filter(day__lt=today)) for o in outlets.values()}
    created, tickets, numbers = 0, [], []
    for day in (today - timedelta(days=n) for n in range(365, 0, -1)):
        for code, share in HALL_SHARE.items():
            outlet = outlets[code]
            periods = hours.periods_on(
                outlet, day, calendar=calendar, hours=week[outlet.pk], exceptions=exceptions[outlet.pk]
            )
            if not periods:
                continue
            load = per_day * share * WEEKDAY_LOAD[day.weekday()] * (1.25 if day.day >= 25 else 1.0)
            day_tickets, day_numbers = _simulate_day(
                rng, outlet, day, periods, services, counters[outlet.pk], clerks[outlet.pk], load
            )
            tickets += day_tickets
            numbers += day_numbers
        if len(tickets) >= BATCH:
            created += _write(tickets, numbers)
            tickets, numbers = [], []
    return created + _write(tickets, numbers)


def _write(tickets: list[Ticket], numbers: list[TicketNumber]) -> int:
    with transaction.atomic():
        Ticket.objects.bulk_create(tickets, batch_size=2_000)
        TicketNumber.objects.bulk_create(numbers, batch_size=2_000)
    return len(tickets)


def _arrivals(rng: random.Random, day: date, periods: list[hours.Period], load: float) -> Iterator[datetime]:
    """Arrival times over the day's opening periods, thickest at the peak hours."""
    weights = {h: w for h, w in HOUR_LOAD.items() if any(opens.hour <= h <= closes.hour for opens, closes in periods)}
    total = sum(weights.values()) or 1
    for hour, weight in weights.items():
        for _ in range(_poisson(rng, load * weight / total)):
            minute = rng.uniform(0, 60)
            at = datetime.combine(day, time(hour)) + timedelta(minutes=minute)
            moment = at.time()
            if any(opens <= moment < closes for opens, closes in periods):
                yield timezone.make_aware(at)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method for small means, a rounded normal for large ones)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, product = pow(2.718281828, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _simulate_day(
    rng: random.Random,
    outlet: Outlet,
    day: date,
    periods: list[hours.Period],
    services: dict[str, QueueService],
    counters: list[Counter],
    clerks: list[int],
    load: float,
) -> tuple[list[Ticket], list[TicketNumber]]:
    """One hall day: arrivals in time order, each served by the counter free first (a heap of free times); the
    hall opens the counters its expected load needs, so waits build up at the peaks."""
    picks = [services[code] for code, *_rest in SERVICES]
    shares = [row[-1] for row in SERVICES]
    open_counters = max(1, min(len(counters), round(load / TICKETS_PER_COUNTER_DAY)))
    free = [(timezone.make_aware(datetime.combine(day, periods[0][0])), n) for n in range(open_counters)]
    heapq.heapify(free)
    last: dict[int, int] = {}
    tickets = []
    for arrived in sorted(_arrivals(rng, day, periods, load)):
        service = rng.choices(picks, shares)[0]
        last[service.pk] = number = last.get(service.pk, 0) + 1
        free_at, n = heapq.heappop(free)
        called = max(arrived, free_at) + timedelta(seconds=rng.uniform(10, 60))
        no_show = rng.random() < 0.04
        minutes = max(1.0, rng.lognormvariate(0, 0.45) * service.typical_minutes)
        started = None if no_show else called + timedelta(seconds=rng.uniform(20, 90))
        finished = called + timedelta(minutes=1) if no_show else started + timedelta(minutes=minutes)  # type: ignore[operator]
        heapq.heappush(free, (finished, n))
        source = rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0]
        tickets.append(
            Ticket(
                outlet=outlet, service=service, day=day, number=number, code=f"{service.prefix}{number:03d}",
                source=source, status=TicketStatus.NO_SHOW if no_show else TicketStatus.DONE,
                issued_at=arrived, queued_at=arrived, called_at=called, announced_at=called, started_at=started,
                finished_at=finished, counter=counters[n], served_by_id=clerks[n % len(clerks)],
            )
        )  # fmt: skip
    numbers = [TicketNumber(outlet=outlet, service_id=pk, day=day, last=n) for pk, n in last.items()]
    return tickets, numbers


# --- The demo hall that moves by itself ----------------------------------------------------------------

ROBOTS = ("hall01", "hall02", "hall03", "hall04")  # the demo hall's clerks at counters 2–5; counter 1 is yours
MAX_WAITING = 12


def seed_robots() -> list[User]:
    """The demo hall's clerks the demo task works as (not in the README's logins; counter 1 stays free)."""
    department = Outlet.objects.get(code=DEMO_HALL).department
    password = make_password(city.DEMO_PASSWORD)
    return [
        User.objects.get_or_create(
            username=name,
            defaults={"full_name": f"{name[-1]}号窗口值班员", "role": Role.COUNTER_STAFF, "department": department,
                      "password": password},
        )[0]
        for name in ROBOTS
    ]  # fmt: skip


def move_demo_hall(code: str, *, now: datetime | None = None) -> int:
    """One beat of the demo hall: its robot clerks call, start and finish tickets, and a few customers arrive.
    Returns how many steps were taken. Demo only (settings.OUTLETS_DEMO_HALL): outside its hours the hall gets
    an opening exception for the day, so that a demo started at night still moves."""
    from outlets import actions, queue

    outlet = Outlet.objects.filter(code=code, is_active=True).first()
    if outlet is None:
        return 0
    now = now or timezone.now()
    rng = random.Random(now.timestamp())
    _keep_open(outlet, now)
    robots = {user.username: user for user in User.objects.filter(username__in=ROBOTS)}
    steps = 0
    for counter, name in zip(outlet.counters.order_by("number")[1:], ROBOTS, strict=False):
        clerk = robots.get(name)
        if clerk is None:
            continue
        if counter.staffed_by_id != clerk.pk:
            actions.sign_in_counter(counter, by=clerk)
        steps += _robot_step(counter, clerk, queue.current_ticket(counter), now, rng)
    waiting = Ticket.objects.filter(outlet=outlet, day=timezone.localdate(now), status=TicketStatus.WAITING).count()
    for _ in range(rng.randint(0, 2) if waiting < MAX_WAITING else 0):
        service = rng.choice(list(outlet.services.filter(is_active=True)))
        actions.issue_ticket(outlet, service, by=None, source=TicketSource.KIOSK)
        steps += 1
    return steps


def _robot_step(counter: Counter, clerk: User, current: Ticket | None, now: datetime, rng: random.Random) -> int:
    from outlets import actions

    try:
        return _robot_move(counter, clerk, current, now, rng)
    except actions.QueueRefused:
        # Another run of the task moved this counter first (beat sends a backlog at once after a slow start,
        # and two workers take them together): this run's view of the counter is stale, so it does nothing.
        return 0


def _robot_move(counter: Counter, clerk: User, current: Ticket | None, now: datetime, rng: random.Random) -> int:
    from outlets import actions

    if current is None:
        return int(actions.call_next(counter, by=clerk) is not None)
    if current.status == TicketStatus.CALLED and now - current.called_at > timedelta(seconds=15):  # type: ignore[operator]
        actions.start_serving(current, by=clerk)
        return 1
    if current.status == TicketStatus.SERVING and now - current.started_at > timedelta(seconds=rng.randint(30, 120)):  # type: ignore[operator]
        actions.finish_serving(current, by=clerk)
        return 1
    return 0


def _keep_open(outlet: Outlet, now: datetime) -> None:
    from outlets.models import OpeningException

    if hours.is_open(outlet, now):
        return
    OpeningException.objects.update_or_create(
        outlet=outlet,
        day=timezone.localdate(now),
        defaults={"is_closed": False, "opens_at": time(0), "closes_at": time(23, 59, 59), "note": "演示：全天开放"},
    )
