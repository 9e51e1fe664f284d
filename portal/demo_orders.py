"""A year of demo work orders for `manage.py seed_demo`: fault repairs and service applications on the demo city.

Orders are planned in time order from one random stream (seed), each as the steps it would go through (opened,
assigned, the crew's or the handler's steps, resolved, closed, rated) with the clocks they start and stop; the
plan is then cut at "now": steps still to come have not happened, so an order opened an hour ago is open in
whatever state its plan has reached, and its clocks run. Faults come more often in summer (typhoons, air
conditioning) and around the Spring Festival, and more per account in rural and remote 台区; arrival and
restoration times are drawn around their area type's limit, so most clocks are met, some after a warning, a
few breached. A fixed showcase of open orders in every state, on the demo logins' queues, follows the year.

Open clocks start at warning level 0 with their next alert due, so the sweep announces the warnings and
breaches that have come by itself. Rows go in with bulk_create in chunks; an order's number is set by one
UPDATE per local day of a chunk, in services.actions.open_order's format. Seeding is skipped when fault
repairs or service applications exist already, so a re-run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate, chain

import holidays
from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext

from accounts.demo import DEMO_CUSTOMER_PHONE, GRIDS
from accounts.models import AccountStatus, AreaType, ElectricityAccount, Role, ServiceGrid, User
from services import sla
from services.applications.models import SERVICE_APPLICATION, ServiceApplication, ServiceApplicationType
from services.models import (
    QUALITY_CHARACTERISTICS,
    Channel,
    Clock,
    ClockState,
    EventKind,
    Priority,
    ReturnVisit,
    SlaPolicy,
    SlaUnit,
    Status,
    TimelineEvent,
    VisitChannel,
    WorkOrder,
)
from services.repair.models import FAULT_REPAIR, FaultReport, FaultType, OutageEvent, OutageKind, RepairStatus, Triage
from services.repair.routing import repair_team_for

ORDERS_PER_ACCOUNT = 0.4  # a year's requests per account: about one for every two or three accounts
CHUNK_SIZE = 5_000
BATCH_SIZE = 2_000
FAULT_SHARE = 0.62
DAYS = 365
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
NEVER = timedelta(days=10_000)  # a step planned beyond the end of the plan: it has not happened

FAULT_TYPES = {FaultType.NO_POWER_HOME: 55, FaultType.NO_POWER_AREA: 12, FaultType.VOLTAGE: 23, FaultType.DANGER: 10}
HOUSEHOLD_FAULTS = {FaultType.NO_POWER_HOME: 2, FaultType.VOLTAGE: 1}
APPLICATION_TYPES = {
    ServiceApplicationType.RECONNECTION: 20,
    ServiceApplicationType.APPLIANCE_DAMAGE: 8,
    ServiceApplicationType.METER_ABNORMALITY: 18,
    ServiceApplicationType.METER_CALIBRATION: 12,
    ServiceApplicationType.READING_ABNORMALITY: 22,
    ServiceApplicationType.OTHER: 20,
}
FAULT_CHANNELS = {Channel.HOTLINE: 74, Channel.WEB: 20, Channel.COUNTER: 4, Channel.KIOSK: 2}
APPLICATION_CHANNELS = {Channel.HOTLINE: 55, Channel.WEB: 24, Channel.COUNTER: 18, Channel.KIOSK: 3}
# Faults by month: typhoons and air conditioning in summer, heaters in winter.
FAULT_MONTHS = {1: 1.2, 2: 1.1, 3: 0.9, 4: 0.9, 5: 1.0, 6: 1.3, 7: 1.8, 8: 2.0, 9: 1.5, 10: 1.0, 11: 0.9, 12: 1.1}
SPRING_FESTIVAL = 1.6  # a week either side of the holiday: heaters, lanterns, everyone home
FAULT_HOURS = (3, 2, 2, 2, 2, 3, 5, 7, 8, 8, 9, 10, 10, 11, 12, 12, 11, 11, 14, 16, 16, 13, 9, 5)
APPLICATION_HOURS = (0, 0, 0, 0, 0, 0, 0, 1, 8, 12, 12, 10, 4, 8, 11, 11, 10, 6, 2, 2, 2, 1, 0, 0)
AREA_FAULTS = {AreaType.URBAN: 0.6, AreaType.RURAL: 0.8, AreaType.REMOTE: 1.0}  # acceptance: longer lines, trees
ARRIVAL_MET = {AreaType.URBAN: 0.85, AreaType.RURAL: 0.88, AreaType.REMOTE: 0.8}
RESTORATION_MET = 0.9
RESOLUTION_MET = 0.9
PREMISES_SHARE = 0.06  # faults found inside the customer's premises: guidance, no crew
OUTAGE_FOLLOWERS = 0.6  # how often a report of no power in the area is followed by neighbours' reports
VISIT_SHARE = 0.8

FAULT_DESCRIPTIONS = {
    FaultType.NO_POWER_HOME: ("家里突然停电，邻居家有电", "家中全部断电，总开关合不上", "半边房间没电，空开跳了合不上"),
    FaultType.NO_POWER_AREA: ("整个小区都停电了", "整条街停电，路灯也不亮", "村里大面积停电"),
    FaultType.VOLTAGE: ("电压偏低，空调启动不了", "灯光忽明忽暗，电压不稳", "晚上电压低，电器无法正常使用"),
    FaultType.DANGER: ("电线被风刮断垂落在路边", "电线杆倾斜，导线离地很近", "表箱冒烟有焦味"),
}
CAUSES = ("低压熔丝熔断", "配变过载跳闸", "电缆接头烧损", "表箱进线接触不良", "外力破坏，施工挖断电缆", "鸟害造成短路")
SUMMER_CAUSES = ("台风导致线路断线", "树障碰线", "雷击损坏避雷器", "空调负荷过大导致配变过载")
WINTER_CAUSES = ("取暖负荷过大导致熔丝熔断", "低压线路老化断线", "春节期间负荷激增，配变跳闸")
APPLICATION_DESCRIPTIONS = {
    ServiceApplicationType.RECONNECTION: ("已缴清欠费，申请恢复供电", "电费已在网上交清，请尽快复电"),
    ServiceApplicationType.APPLIANCE_DAMAGE: ("雷雨后电压异常，冰箱和电视损坏", "停电恢复时电压冲击，空调主板烧坏"),
    ServiceApplicationType.METER_ABNORMALITY: ("电表屏幕黑屏", "电表指示灯常亮，怀疑计量异常"),
    ServiceApplicationType.METER_CALIBRATION: ("本月电量比往年高很多，申请校验电能表", "怀疑电表走得快，申请校表"),
    ServiceApplicationType.READING_ABNORMALITY: ("账单示数与电表实际示数不符", "本月抄表电量明显偏高"),
    ServiceApplicationType.OTHER: ("申请更改账单寄送方式", "申请开具电费增值税发票"),
}
APPLICATION_RESULTS = {
    ServiceApplicationType.RECONNECTION: "已远程复电，客户确认用电正常",
    ServiceApplicationType.APPLIANCE_DAMAGE: "现场核查完毕，已按规定办理家电损坏赔偿",
    ServiceApplicationType.METER_ABNORMALITY: "已现场更换电能表，新表运行正常",
    ServiceApplicationType.METER_CALIBRATION: "电能表经检定误差在允许范围内，已告知客户检定结果",
    ServiceApplicationType.READING_ABNORMALITY: "已核实抄表数据，差错电量已退补",
    ServiceApplicationType.OTHER: "已按客户要求办理",
}
PREMISES_GUIDANCE = "故障在客户产权范围内，已指导客户检查漏电保护器并联系电工，告知可预约有偿服务"
ARREARS_GUIDANCE = "该户因欠费停电，已告知缴费渠道，缴费后24小时内复电"
VISIT_COMMENTS = {
    5: ("抢修很及时，师傅态度很好", "办理很快，满意", ""),
    4: ("总体满意", ""),
    3: ("一般", "等的时间有点长"),
}
LOW_COMMENTS = ("到场太慢了", "处理时间太长，希望改进", "反复打电话才有人来")


# --- What the plan works on ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    pk: int
    code: str
    area_type: str
    department_id: int
    manager_id: int | None
    repair_team_id: int


@dataclass(frozen=True)
class Place:
    """Where a request comes from: an account, or a 台区 and a location for a caller with no account."""

    grid: Grid
    account_id: int | None = None
    customer_id: int | None = None
    customer_class: str = ""
    status: str = AccountStatus.ACTIVE
    address: str = ""
    phone: str = ""
    linked_user_id: int | None = None


@dataclass
class City:
    """The seeded city as the plan needs it: accounts, 台区, and who works where."""

    places: list[Place]
    grids: dict[str, Grid]
    crews: dict[int, list[int]]  # repair team id → crew member ids
    counters: dict[int, list[int]]  # station id → counter staff ids
    staff: dict[int, User]  # by id
    logins: dict[str, User]  # by username


@dataclass
class Step:
    at: datetime
    kind: str
    actor_id: int | None
    old: str = ""
    new: str = ""
    note: str = ""
    public: bool = False
    status: str | None = None  # the order's status from this step on


@dataclass
class PlannedClock:
    name: str
    policy: SlaPolicy
    started_at: datetime
    due_at: datetime  # before any pause moves it
    stop_at: datetime  # as planned; NEVER-far when it is not to stop within the plan
    pause: tuple[datetime, datetime] | None = None  # waiting for the customer (clocks in hours only)


@dataclass
class PlannedOrder:
    kind: str
    sub_type: str
    channel: str
    priority: int
    place: Place
    opened_at: datetime
    description: str
    department_id: int | None
    assignee_id: int | None
    reported_by_id: int | None
    created_by_id: int | None
    steps: list[Step] = field(default_factory=list)
    clocks: list[PlannedClock] = field(default_factory=list)
    result: str = ""
    result_at: datetime | None = None
    contact_name: str = ""
    fault: dict[str, object] | None = None  # FaultReport fields, times as planned
    application: dict[str, object] | None = None
    visit: dict[str, object] | None = None
    leads_outage: bool = False
    outage_lead: PlannedOrder | None = None  # the order whose outage this report joined
    pk: int | None = None


# --- Loading the city ------------------------------------------------------------------------------------


def load_city() -> City:
    """Read the accounts (by number, so the plan does not depend on ids), the 台区 and the staff."""
    grids = {}
    for grid in ServiceGrid.objects.select_related("department").order_by("code"):
        team = repair_team_for(grid.department)
        grids[grid.pk] = Grid(grid.pk, grid.code, grid.area_type, grid.department_id, grid.manager_id, team.pk)
    rows = (
        ElectricityAccount.objects.exclude(status=AccountStatus.CLOSED)
        .order_by("number")
        .values_list("pk", "customer_id", "grid_id", "customer_class", "status", "address", "customer__phone")
    )
    linked = dict(ElectricityAccount.objects.filter(linked_user__isnull=False).values_list("pk", "linked_user_id"))
    places = [
        Place(grids[grid_id], pk, customer_id, cls, status, address, phone, linked.get(pk))
        for pk, customer_id, grid_id, cls, status, address, phone in rows
    ]
    # Active staff only: a kiosk's actor (outlets.kiosk) is counter staff by role but enters nothing by hand.
    staff = {user.pk: user for user in User.objects.exclude(role=Role.CUSTOMER).filter(is_active=True).order_by("pk")}
    crews: dict[int, list[int]] = {}
    counters: dict[int, list[int]] = {}
    for user in staff.values():
        if user.role == Role.REPAIR_CREW:
            crews.setdefault(user.department_id, []).append(user.pk)
        elif user.role == Role.COUNTER_STAFF:
            counters.setdefault(user.department_id, []).append(user.pk)
    logins = {user.username: user for user in staff.values()}
    customer = User.objects.filter(username=DEMO_CUSTOMER_PHONE).first()
    if customer is not None:
        logins[customer.username] = customer
    return City(places, {grid.code: grid for grid in grids.values()}, crews, counters, staff, logins)


class Policies:
    """policy_for once per combination of the criteria policies match on, not once per order."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, ...], SlaPolicy | None] = {}

    def get(self, kind: str, clock: str, sub_type: str, place: Place, channel: str, at: datetime) -> SlaPolicy | None:
        key = (kind, clock, sub_type, place.customer_class, place.grid.area_type, channel)
        if key not in self.cache:
            # Unsaved stand-ins carrying just what policies match on: no query but policy_for's own.
            order = WorkOrder(kind=kind, sub_type=sub_type, channel=channel)
            order.grid = ServiceGrid(pk=place.grid.pk, area_type=place.grid.area_type)
            if place.account_id:
                order.account = ElectricityAccount(pk=place.account_id, customer_class=place.customer_class)
            self.cache[key] = sla.policy_for(order, clock, at=at)
        return self.cache[key]


class Calendar:
    """services.sla's working-day calendar, its answers kept per day: a year has only 365 of them."""

    def __init__(self) -> None:
        self.working = sla.WorkingCalendar()
        self.ends: dict[tuple[date, int], datetime] = {}

    def add_working_days(self, start: datetime, n: int) -> datetime:
        key = (sla.local_day(start), n)
        if key not in self.ends:
            self.ends[key] = self.working.add_working_days(start, n)
        return self.ends[key]

    def working_day(self, start: datetime, n: int) -> date:
        """The Nth working day after the local day of `start` (the day itself for n = 0)."""
        return sla.local_day(start) if n == 0 else self.add_working_days(start, n).date() - DAY

    def due(self, policy: SlaPolicy, start: datetime) -> datetime:
        if policy.unit == SlaUnit.WORKING_DAYS:
            return self.add_working_days(start, policy.target)
        return start + allowance(policy)


def allowance(policy: SlaPolicy) -> timedelta:
    return policy.target * {SlaUnit.MINUTES: MINUTE, SlaUnit.HOURS: HOUR}.get(policy.unit, DAY)


# --- When requests come ----------------------------------------------------------------------------------


def _spring_festival_days(years: Sequence[int]) -> set[date]:
    calendar = holidays.China(years=years, language="en_US")
    festival = [day for day, name in calendar.items() if "Spring Festival" in name]
    return {day + DAY * shift for day in festival for shift in range(-7, 8)}


def day_weights(kind: str, today: date, calendar: Calendar) -> tuple[list[date], list[float]]:
    """The year's days ending today and how many requests of `kind` each draws, relative to an ordinary day."""
    days = [today - DAY * back for back in range(DAYS - 1, -1, -1)]
    if kind == SERVICE_APPLICATION:
        weights = [1.0 if calendar.working.is_working_day(day) else 0.3 for day in days]
    else:
        festival = _spring_festival_days(sorted({day.year for day in days}))
        weights = [FAULT_MONTHS[day.month] * (SPRING_FESTIVAL if day in festival else 1.0) for day in days]
    return days, list(accumulate(weights))


def opening_times(rng: random.Random, kind: str, n: int, now: datetime, calendar: Calendar) -> list[datetime]:
    """`n` opening instants over the year ending `now`, by the kind's days and hours."""
    zone = timezone.get_default_timezone()
    days, cumulative = day_weights(kind, timezone.localdate(now), calendar)
    hours = list(accumulate(FAULT_HOURS if kind == FAULT_REPAIR else APPLICATION_HOURS))
    times = []
    for day in rng.choices(days, cum_weights=cumulative, k=n):
        (hour,) = rng.choices(range(24), cum_weights=hours)
        at = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        times.append(at if at < now else now - rng.uniform(1, 120) * MINUTE)
    return times


# --- Planning one order ----------------------------------------------------------------------------------


class Planner:
    """Plans orders from one random stream: the same seed, city and day give the same orders."""

    def __init__(self, seed: int, city: City, now: datetime) -> None:
        self.rng = random.Random(f"services.demo:{seed}")  # the module's old name: the same seed, the same city
        self.city, self.now = city, now
        self.policies, self.calendar = Policies(), Calendar()
        self.by_grid: dict[int, list[Place]] = {}
        for place in city.places:
            self.by_grid.setdefault(place.grid.pk, []).append(place)

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def fault_place(self) -> Place:
        while True:
            place = self.rng.choice(self.city.places)
            if self.rng.random() < AREA_FAULTS[place.grid.area_type]:
                return place

    def entered_by(self, channel: str, place: Place) -> tuple[int | None, int | None]:
        """Who reported it (a customer with a login, on the web) and who entered it (counter staff)."""
        if channel == Channel.WEB:
            return place.linked_user_id, place.linked_user_id
        if channel == Channel.COUNTER:
            counters = self.city.counters.get(place.grid.department_id)
            return None, self.rng.choice(counters) if counters else None
        return None, None

    def new_order(self, kind: str, sub_type: str, channel: str, place: Place, at: datetime, text: str) -> PlannedOrder:
        reported_by, created_by = self.entered_by(channel, place)
        if kind == FAULT_REPAIR:
            priority = Priority.URGENT if sub_type == FaultType.DANGER else Priority.HIGH
        else:
            urgent = sub_type in (ServiceApplicationType.RECONNECTION, ServiceApplicationType.APPLIANCE_DAMAGE)
            priority = Priority.HIGH if urgent else Priority.NORMAL
        order = PlannedOrder(
            kind, sub_type, channel, priority, place, at, text, place.grid.department_id, None, reported_by, created_by
        )
        order.steps.append(Step(at, EventKind.CREATED, created_by, public=True, status=Status.NEW))
        return order

    def start_clock(self, order: PlannedOrder, name: str, at: datetime, stop_at: datetime) -> PlannedClock | None:
        policy = self.policies.get(order.kind, name, order.sub_type, order.place, order.channel, at)
        if policy is None:
            return None
        clock = PlannedClock(name, policy, at, self.calendar.due(policy, at), stop_at)
        order.clocks.append(clock)
        return clock

    def assign(self, order: PlannedOrder, assignee_id: int | None, at: datetime) -> None:
        if assignee_id is None:  # nobody free: the order waits, new, in the team's queue
            return
        assignee = self.city.staff[assignee_id]
        order.assignee_id, order.department_id = assignee_id, assignee.department_id
        order.steps.append(Step(at, EventKind.ASSIGNED, None, new=str(assignee), status=Status.ASSIGNED))

    def move(
        self, order: PlannedOrder, at: datetime, to: str, by: int | None, note: str = "", public: bool = True
    ) -> None:
        old = next(step.status for step in reversed(order.steps) if step.status)
        order.steps.append(Step(at, EventKind.STATUS_CHANGED, by, old, to, note, public, status=to))

    def arrival_limit(self, order: PlannedOrder) -> timedelta:
        policy = self.policies.get(order.kind, "arrival", order.sub_type, order.place, order.channel, order.opened_at)
        return allowance(policy) if policy else 45 * MINUTE

    def restoration_limit(self, order: PlannedOrder) -> timedelta:
        policy = self.policies.get(order.kind, "restoration", "", order.place, order.channel, order.opened_at)
        return allowance(policy) if policy else 3 * HOUR

    def around(self, limit: timedelta, met_share: float) -> timedelta:
        """A duration drawn around `limit`: within it `met_share` of the time, else up to 70 % over."""
        if self.rng.random() < met_share:
            return limit * self.rng.uniform(0.3, 0.99)
        return limit * self.rng.uniform(1.02, 1.7)

    # --- Faults ---

    def fault(self, place: Place, at: datetime, show: dict[str, object] | None = None) -> PlannedOrder:
        """A fault report and the crew's steps, drawn; or for the showcase as `show` says (fault_type, channel,
        crew, and the durations accept, depart, arrive, restore, close: a step it leaves out has not come)."""
        drawn, show = show is None, dict(show or {})
        # A showcase report is of one household unless it says otherwise: it opens no outage of its own.
        fault_type = show.pop("fault_type", None) or self.pick(FAULT_TYPES if drawn else HOUSEHOLD_FAULTS)
        channel = show.pop("channel", None) or self.pick(FAULT_CHANNELS)
        text = self.rng.choice(FAULT_DESCRIPTIONS[fault_type])
        order = self.new_order(FAULT_REPAIR, fault_type, channel, place, at, text)
        order.fault = {"fault_type": fault_type, "triage": Triage.GRID}
        if place.account_id is None:
            order.contact_name = self.rng.choice("陈王李张林徐周") + "先生"
        no_power = fault_type in (FaultType.NO_POWER_HOME, FaultType.NO_POWER_AREA)
        if drawn and no_power and place.status == AccountStatus.SUSPENDED:
            return self.settle(order, Triage.ARREARS, ARREARS_GUIDANCE)
        if drawn and fault_type != FaultType.NO_POWER_AREA and self.rng.random() < PREMISES_SHARE:
            return self.settle(order, Triage.PREMISES, PREMISES_GUIDANCE)
        order.department_id = place.grid.repair_team_id
        crews = self.city.crews.get(place.grid.repair_team_id) or [None]
        crew = show.pop("crew", "team")
        crew_id = self.rng.choice(crews) if crew == "team" else crew.pk if isinstance(crew, User) else None
        timing = {step: show.get(step, NEVER) for step in ("accept", "depart", "arrive", "restore", "close")}
        self.crew_steps(order, crew_id, {} if drawn else timing)
        order.leads_outage = fault_type == FaultType.NO_POWER_AREA and crew_id is not None
        return order

    def crew_steps(self, order: PlannedOrder, crew_id: int | None, timing: dict[str, timedelta]) -> None:
        at, rng = order.opened_at, self.rng
        area = order.place.grid.area_type
        arrive = timing.get("arrive") or self.around(self.arrival_limit(order), ARRIVAL_MET[area])
        assigned = at + rng.uniform(0.2, 2) * MINUTE
        accepted = assigned + (timing.get("accept") or arrive * rng.uniform(0.03, 0.1))
        departed = accepted + (timing.get("depart") or arrive * rng.uniform(0.05, 0.2))
        arrived = at + arrive
        restored = arrived + (timing.get("restore") or self.around(self.restoration_limit(order), RESTORATION_MET))
        closed = restored + (timing.get("close") or rng.uniform(0.2, 20) * HOUR)
        self.start_clock(order, "arrival", at, arrived)
        self.assign(order, crew_id, assigned)
        if crew_id is None:
            return
        cause = self.cause(restored)
        for when, to in (
            (accepted, RepairStatus.ACCEPTED),
            (departed, RepairStatus.DEPARTED),
            (arrived, RepairStatus.ARRIVED),
        ):
            self.move(order, when, to, crew_id)
        self.start_clock(order, "restoration", arrived, restored)
        note = f"已恢复供电。故障原因：{cause}"
        self.move(order, restored, Status.RESOLVED, crew_id, note)
        order.result, order.result_at = note, restored
        order.fault.update(departed_at=departed, arrived_at=arrived, restored_at=restored, cause=cause)
        order.fault["customer_confirmed"] = closed
        self.close(order, closed, order.reported_by_id or crew_id)

    def cause(self, at: datetime) -> str:
        month = timezone.localtime(at).month
        seasonal = SUMMER_CAUSES if month in (6, 7, 8, 9) else WINTER_CAUSES if month in (12, 1, 2) else ()
        return self.rng.choice(CAUSES + seasonal * 2)

    def settle(self, order: PlannedOrder, triage: str, guidance: str) -> PlannedOrder:
        """Resolved at triage with guidance, no crew: the 台区's customer manager holds it."""
        order.fault["triage"] = triage
        at = order.opened_at
        self.start_clock(order, "arrival", at, at)
        self.move(order, at, Status.RESOLVED, order.created_by_id, guidance)
        order.result, order.result_at = guidance, at
        self.assign(order, order.place.grid.manager_id, at)
        order.steps[-1].status = Status.RESOLVED  # assigning a resolved order does not reopen it
        self.close(order, at + self.rng.uniform(1, 30) * HOUR, order.place.grid.manager_id)
        return order

    def joined(self, lead: PlannedOrder, place: Place, at: datetime) -> PlannedOrder:
        """A neighbour's report that joins the lead's outage: its clocks follow the lead's crew."""
        fault_type = self.pick({FaultType.NO_POWER_HOME: 3, FaultType.NO_POWER_AREA: 1})
        channel = self.pick(FAULT_CHANNELS)
        order = self.new_order(
            FAULT_REPAIR, fault_type, channel, place, at, self.rng.choice(FAULT_DESCRIPTIONS[fault_type])
        )
        order.fault = {"fault_type": fault_type, "triage": Triage.OUTAGE}
        order.outage_lead, order.department_id = lead, lead.department_id
        note = "属于本台区已知停电事件，由抢修人员统一处理"
        self.move(order, at, RepairStatus.JOINED_OUTAGE, order.created_by_id, note)
        arrived, restored = lead.fault.get("arrived_at"), lead.fault.get("restored_at")
        far = self.now + NEVER
        self.start_clock(order, "arrival", at, arrived or far)
        if arrived is not None:
            self.start_clock(order, "restoration", arrived, restored)
            note = lead.result
            self.move(order, restored, Status.RESOLVED, lead.assignee_id, note)
            order.result, order.result_at = note, restored
            order.fault["restored_at"] = restored
            self.close(order, restored + self.rng.uniform(0.5, 20) * HOUR, order.reported_by_id)
        return order

    # --- Service applications ---

    def application(self, place: Place, at: datetime, show: dict[str, object] | None = None) -> PlannedOrder:
        """A service application worked by the 台区's customer manager (counter staff for counter requests), drawn;
        or for the showcase as `show` says (sub_type, channel, handler, and the durations start, pause (after,
        length), resolve (from the filing), close: a step it leaves out has not come)."""
        drawn, show = show is None, dict(show or {})
        sub_type = show.pop("sub_type", None) or self.pick(APPLICATION_TYPES)
        channel = show.pop("channel", None) or self.pick(APPLICATION_CHANNELS)
        text = self.rng.choice(APPLICATION_DESCRIPTIONS[sub_type])
        order = self.new_order(SERVICE_APPLICATION, sub_type, channel, place, at, text)
        order.application = {"application_type": sub_type}
        handler = show.pop("handler", "default")
        if handler == "default":
            counters = self.city.counters.get(place.grid.department_id)
            handler = self.rng.choice(counters) if channel == Channel.COUNTER and counters else place.grid.manager_id
        handler_id = handler.pk if isinstance(handler, User) else handler
        if drawn:
            self.handle(order, handler_id, self.draw_handling(order))
        else:
            self.handle(
                order,
                handler_id,
                {step: show.get(step, NEVER) for step in ("start", "resolve", "close")} | {"pause": show.get("pause")},
            )
        return order

    def draw_handling(self, order: PlannedOrder) -> dict[str, object]:
        rng = self.rng
        start = rng.uniform(0.3, 6) * HOUR
        pause = None
        if order.sub_type == ServiceApplicationType.APPLIANCE_DAMAGE and rng.random() < 0.5:
            pause = (rng.uniform(1, 4) * HOUR, rng.uniform(6, 60) * HOUR)
        resolve = self.resolution_time(order, order.opened_at + start, pause) - order.opened_at
        return {"start": start, "pause": pause, "resolve": resolve, "close": rng.uniform(1, 48) * HOUR}

    def handle(self, order: PlannedOrder, handler: int | None, timing: dict[str, object]) -> None:
        at = order.opened_at
        assigned = at + self.rng.uniform(1, 30) * MINUTE
        started = assigned + timing["start"]
        resolved, pause = at + timing["resolve"], timing["pause"]
        clock = self.start_clock(order, "resolution", at, resolved)
        self.assign(order, handler, assigned)
        if handler is None:
            return
        self.move(order, started, Status.IN_PROGRESS, handler)
        if pause is not None:
            asked, back = started + pause[0], started + pause[0] + pause[1]
            order.application.update(evidence_requested_at=asked, evidence_received_at=back)
            self.move(order, asked, Status.WAITING_CUSTOMER, handler, "请提供损坏家电的照片和购买凭证")
            order.steps.append(Step(asked, EventKind.CLOCK_PAUSED, handler, "resolution", ClockState.PAUSED))
            self.move(order, back, Status.IN_PROGRESS, handler, "客户已提供证明材料")
            if clock is not None:
                clock.pause = (asked, back)
        result = APPLICATION_RESULTS[order.sub_type]
        self.move(order, resolved, Status.RESOLVED, handler, result)
        order.result, order.result_at = result, resolved
        self.close(order, resolved + timing["close"], handler)

    def resolution_time(self, order: PlannedOrder, started: datetime, pause: tuple | None) -> datetime:
        policy = self.policies.get(order.kind, "resolution", order.sub_type, order.place, order.channel, started)
        if policy is None or policy.unit != SlaUnit.WORKING_DAYS:
            limit = allowance(policy) if policy else DAY
            spent = self.around(limit, RESOLUTION_MET)
            if pause is None:
                return max(order.opened_at + spent, started + 20 * MINUTE)
            back = started + pause[0] + pause[1]
            return max(order.opened_at + spent + pause[1], back + 20 * MINUTE)
        late = self.rng.random() >= RESOLUTION_MET
        n = policy.target + self.rng.randint(1, 3) if late else self.rng.randint(0, policy.target)
        day = self.calendar.working_day(order.opened_at, n)
        zone = timezone.get_default_timezone()
        at = datetime.combine(day, time(8, 30), tzinfo=zone) + self.rng.uniform(0, 9) * HOUR
        return max(at, started + 20 * MINUTE)

    # --- The close and the rating ---

    def close(self, order: PlannedOrder, at: datetime, by: int | None) -> None:
        self.move(order, at, Status.CLOSED, by, order.result)
        if self.rng.random() >= VISIT_SHARE:
            return
        late = any(clock.stop_at > clock.due_at for clock in order.clocks)
        overall = self.rng.choices((5, 4, 3, 2, 1), weights=(25, 35, 25, 10, 5) if late else (62, 28, 7, 2, 1))[0]
        scores = {
            name: min(5, max(1, overall + self.rng.choice((-1, 0, 0, 0, 1)))) for name, _l in QUALITY_CHARACTERISTICS
        }
        if late:
            scores["timeliness"] = max(1, overall - 1)
        comments = VISIT_COMMENTS.get(overall, LOW_COMMENTS)
        by_web = order.reported_by_id is not None and self.rng.random() < 0.7
        order.visit = {
            "overall": overall,
            "comment": self.rng.choice(comments),
            "channel": VisitChannel.WEB if by_web else VisitChannel.PHONE,
            "recorded_at": at + self.rng.uniform(2, 72) * HOUR,
            **scores,
        }


# --- Cutting a plan at "now" and writing it ----------------------------------------------------------------


def _status_at(order: PlannedOrder, now: datetime) -> tuple[str, datetime | None]:
    status, closed_at = Status.NEW, None
    for step in order.steps:
        if step.at <= now and step.status:
            status = step.status
            closed_at = step.at if status == Status.CLOSED else None
    return status, closed_at


def work_order(order: PlannedOrder, now: datetime) -> WorkOrder:
    status, closed_at = _status_at(order, now)
    place = order.place
    return WorkOrder(
        kind=order.kind,
        sub_type=order.sub_type,
        channel=order.channel,
        status=status,
        priority=order.priority,
        customer_id=place.customer_id,
        account_id=place.account_id,
        contact_name=order.contact_name,
        contact_phone=place.phone or "1390576" + f"{place.grid.pk:04d}",
        location=place.address,
        grid_id=place.grid.pk,
        department_id=order.department_id,
        assigned_to_id=order.assignee_id
        if any(s.kind == EventKind.ASSIGNED and s.at <= now for s in order.steps)
        else None,
        reported_by_id=order.reported_by_id,
        created_by_id=order.created_by_id,
        description=order.description,
        opened_at=order.opened_at,
        closed_at=closed_at,
        result=order.result if order.result_at and order.result_at <= now else "",
    )


def clock_row(order: PlannedOrder, planned: PlannedClock, now: datetime, calendar: Calendar) -> Clock | None:
    """The clock as it stands at `now`: stopped met or breached, running, or paused; None if not started yet."""
    if planned.started_at > now:
        return None
    policy = planned.policy
    clock = Clock(
        order_id=order.pk,
        name=planned.name,
        policy=policy,
        target=policy.target,
        unit=policy.unit,
        warning_levels=sorted({int(p) for p in policy.warning_levels if 0 < int(p) < 100}),
        started_at=planned.started_at,
        due_at=planned.due_at,
    )
    if planned.pause is not None and planned.pause[0] <= now:
        if planned.pause[1] > now:
            clock.state, clock.paused_at = ClockState.PAUSED, planned.pause[0]
            return clock
        clock.due_at += planned.pause[1] - planned.pause[0]
    if planned.stop_at is not None and planned.stop_at <= now:
        late = planned.stop_at > clock.due_at
        clock.state = ClockState.BREACHED if late else ClockState.MET
        clock.stopped_at = planned.stop_at
        clock.breached_at = clock.due_at if late else None  # the sweep's minute, at the due time
        clock.warning_level = sla.reached_level(clock, planned.stop_at, calendar.working)
        return clock
    # Running: the sweep announces whatever levels have come, from the first.
    clock.alert_at = sla.next_alert(clock, calendar.working)
    return clock


def _events(order: PlannedOrder, clocks: list[Clock], number: str, now: datetime) -> list[TimelineEvent]:
    steps = [step for step in order.steps if step.at <= now]
    steps[0].new = number
    steps += [
        Step(clock.breached_at, EventKind.SLA_BREACH, None, clock.name, ClockState.BREACHED, _breach_note(clock))
        for clock in clocks
        if clock.breached_at is not None
    ]
    if order.visit and order.visit["recorded_at"] <= now:
        steps.append(
            Step(
                order.visit["recorded_at"], EventKind.RETURN_VISIT, None, new=f"{order.visit['overall']}/5", public=True
            )
        )
    return [
        TimelineEvent(
            order_id=order.pk,
            kind=step.kind,
            actor_id=step.actor_id,
            at=step.at,
            old_value=str(step.old)[:100],
            new_value=str(step.new)[:100],
            note=step.note,
            is_public=step.public,
        )
        for step in steps
    ]


def _breach_note(clock: Clock) -> str:
    values = {"clock": sla.clock_label(clock.name), "due": sla.local_text(clock.due_at)}
    return gettext("%(clock)s: past its due time %(due)s") % values


def _particulars(order: PlannedOrder, now: datetime, outages: dict[int, int]) -> FaultReport | ServiceApplication:
    def happened(value: object) -> object:
        return value if isinstance(value, datetime) and value <= now else None

    if order.application is not None:
        return ServiceApplication(
            order_id=order.pk,
            application_type=order.sub_type,
            evidence_requested_at=happened(order.application.get("evidence_requested_at")),
            evidence_received_at=happened(order.application.get("evidence_received_at")),
        )
    fault = order.fault
    restored = happened(fault.get("restored_at"))
    lead = order.outage_lead or (order if order.leads_outage else None)
    return FaultReport(
        order_id=order.pk,
        fault_type=fault["fault_type"],
        triage=fault["triage"],
        outage_id=outages.get(id(lead)) if lead else None,
        departed_at=happened(fault.get("departed_at")),
        arrived_at=happened(fault.get("arrived_at")),
        restored_at=restored,
        cause=fault.get("cause", "") if restored else "",
        customer_confirmed=True if happened(fault.get("customer_confirmed")) else None,
    )


def _visit(order: PlannedOrder, row: WorkOrder, now: datetime) -> ReturnVisit | None:
    if order.visit is None or order.visit["recorded_at"] > now or row.status != Status.CLOSED:
        return None
    return ReturnVisit(
        order_id=order.pk, department_id=row.department_id, assignee_id=row.assigned_to_id, **order.visit
    )


def write_chunk(plans: list[PlannedOrder], now: datetime, calendar: Calendar, outages: dict[int, int]) -> None:
    """Insert a chunk of planned orders with everything that hangs on them, in one transaction."""
    with transaction.atomic():
        rows = WorkOrder.objects.bulk_create([work_order(order, now) for order in plans], batch_size=BATCH_SIZE)
        numbers = {}
        for order, row in zip(plans, rows, strict=True):
            order.pk = row.pk
            numbers[order.pk] = f"{timezone.localdate(order.opened_at):%Y%m%d}{row.pk:08d}"
        _number(plans)
        leads = [order for order in plans if order.leads_outage and order.pk]
        _insert_outages(leads, now, outages)
        clocks = {id(o): [c for p in o.clocks if (c := clock_row(o, p, now, calendar))] for o in plans}
        _bulk(Clock, [clock for each in clocks.values() for clock in each])
        _bulk(FaultReport, [_particulars(o, now, outages) for o in plans if o.fault is not None])
        _bulk(ServiceApplication, [_particulars(o, now, outages) for o in plans if o.application is not None])
        _bulk(ReturnVisit, [v for o, row in zip(plans, rows, strict=True) if (v := _visit(o, row, now))])
        _bulk(TimelineEvent, [e for o in plans for e in _events(o, clocks[id(o)], numbers[o.pk], now)])


def _bulk(model: type, rows: list) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _number(plans: list[PlannedOrder]) -> None:
    """Set the numbers as services.actions.open_order does (local opening date + 8-digit id): one UPDATE per day.

    The id range of the chunk and the day's bounds select exactly that day's new orders.
    """
    low, high = min(order.pk for order in plans), max(order.pk for order in plans)
    for day in sorted({timezone.localdate(order.opened_at) for order in plans}):
        start = sla.start_of(day)
        number = Concat(Value(f"{day:%Y%m%d}"), LPad(Cast("pk", CharField()), 8, Value("0")))
        WorkOrder.objects.filter(pk__range=(low, high), opened_at__gte=start, opened_at__lt=start + DAY).update(
            number=number
        )


def _insert_outages(leads: list[PlannedOrder], now: datetime, outages: dict[int, int]) -> None:
    events = OutageEvent.objects.bulk_create(
        [
            OutageEvent(
                grid_id=lead.place.grid.pk,
                kind=OutageKind.FAULT,
                started_at=lead.opened_at,
                restored_at=lead.fault["restored_at"] if lead.fault.get("restored_at", now + DAY) <= now else None,
                cause=lead.fault.get("cause", "") if lead.fault.get("restored_at", now + DAY) <= now else "",
                lead_order_id=lead.pk,
                created_by_id=lead.created_by_id,
            )
            for lead in leads
        ],
        batch_size=BATCH_SIZE,
    )
    outages.update((id(lead), event.pk) for lead, event in zip(leads, events, strict=True))


# --- The year, the showcase, and the whole -----------------------------------------------------------------


def year_of_orders(planner: Planner, n: int) -> Iterator[PlannedOrder]:
    """`n` orders over the year ending now, in time order; a report of no power in the area may bring the
    neighbours' reports that join its outage (they take the place of later fault reports)."""
    rng, now = planner.rng, planner.now
    faults = round(n * FAULT_SHARE)
    slots = [(at, FAULT_REPAIR) for at in opening_times(rng, FAULT_REPAIR, faults, now, planner.calendar)]
    slots += [
        (at, SERVICE_APPLICATION) for at in opening_times(rng, SERVICE_APPLICATION, n - faults, now, planner.calendar)
    ]
    slots.sort()
    skip, faults_left = 0, faults
    for at, kind in slots:
        if kind == SERVICE_APPLICATION:
            yield planner.application(rng.choice(planner.city.places), at)
            continue
        faults_left -= 1
        if skip:
            skip -= 1
            continue
        order = planner.fault(planner.fault_place(), at)
        yield order
        if order.leads_outage and rng.random() < OUTAGE_FOLLOWERS:
            neighbours = planner.by_grid[order.place.grid.pk]
            arrived = order.fault["arrived_at"]
            for _n in range(min(rng.randint(1, 4), faults_left - skip)):
                skip += 1
                yield planner.joined(
                    order, rng.choice(neighbours), at + (min(arrived, now) - at) * rng.uniform(0.1, 0.9)
                )


@dataclass(frozen=True)
class Showcase:
    """One open order of the demo: on which 台区, in whose queue, opened how long ago, and how far it has gone
    (the steps that have come, as Planner.fault and Planner.application take them)."""

    kind: str
    grid: str  # a 台区 code; "customer" for the demo customer's account
    assignee: str | None  # a username; "team" for the 台区's repair team, "default" for the 台区's manager
    ago: timedelta
    show: dict[str, object] = field(default_factory=dict)
    followers: int = 0  # neighbours' reports that joined this one's outage


URBAN, URBAN_2, REMOTE, RURAL = "TZ-JJ-01-01", "TZ-JJ-01-02", "TZ-JJ-03-01", "TZ-XJ-02-01"
F, A = FAULT_REPAIR, SERVICE_APPLICATION
T = ServiceApplicationType
SHOWCASE = (
    # The `repair` login's queue on urban 台区 (45 minutes to arrive), from just reported to restored; open
    # clocks past their 50 % and 75 % levels and past due, so the sweep has warnings to announce at once.
    Showcase(F, URBAN, None, 4 * MINUTE),  # new: nobody free, in the team's queue
    Showcase(F, URBAN, "repair", 12 * MINUTE),  # assigned
    Showcase(F, URBAN_2, "repair", 26 * MINUTE, {"accept": 3 * MINUTE}),  # accepted, level 1
    Showcase(F, URBAN, "repair", 37 * MINUTE, {"accept": 2 * MINUTE, "depart": 6 * MINUTE}),  # departed, level 2
    Showcase(F, URBAN_2, "repair02", 55 * MINUTE, {"accept": 4 * MINUTE, "depart": 9 * MINUTE}),  # past due
    Showcase(F, URBAN, "repair", 80 * MINUTE, {"accept": MINUTE, "depart": 5 * MINUTE, "arrive": 40 * MINUTE}),
    Showcase(F, URBAN_2, "repair", 3 * HOUR, {"accept": MINUTE, "depart": 5 * MINUTE, "arrive": 30 * MINUTE}),
    Showcase(
        F,
        URBAN,
        "repair",
        5 * HOUR,
        {"accept": MINUTE, "depart": 5 * MINUTE, "arrive": 35 * MINUTE, "restore": 2 * HOUR},
    ),  # resolved, waiting for the customer's word
    Showcase(F, URBAN_2, "repair", 20 * MINUTE, {"fault_type": FaultType.DANGER, "passer_by": True}),
    Showcase(F, REMOTE, "repair", 100 * MINUTE),  # a remote island: 2 hours to arrive
    Showcase(F, RURAL, "team", 70 * MINUTE, {"accept": 5 * MINUTE, "depart": 15 * MINUTE}),
    # An outage: the lead report's crew is on the way, two neighbours' reports joined it.
    Showcase(
        F,
        URBAN_2,
        "repair02",
        30 * MINUTE,
        {"fault_type": FaultType.NO_POWER_AREA, "accept": 2 * MINUTE, "depart": 4 * MINUTE},
        followers=2,
    ),
    Showcase(F, "customer", "team", 20 * MINUTE, {"channel": Channel.WEB, "accept": 3 * MINUTE}),
    # Service applications in the `grid` and `counter` logins' queues.
    Showcase(A, URBAN, None, 2 * HOUR, {"sub_type": T.METER_CALIBRATION}),  # new
    Showcase(A, URBAN, "grid", 26 * HOUR, {"sub_type": T.METER_CALIBRATION}),  # assigned
    Showcase(A, URBAN_2, "grid", 6 * DAY, {"sub_type": T.METER_ABNORMALITY, "start": 3 * HOUR}),  # past due
    Showcase(A, URBAN, "grid", 20 * HOUR, {"sub_type": T.RECONNECTION, "start": HOUR}),  # level 2 of 24 h
    Showcase(A, URBAN_2, "grid", 10 * HOUR, {"sub_type": T.APPLIANCE_DAMAGE, "start": HOUR, "pause": (HOUR, NEVER)}),
    Showcase(A, URBAN, "grid", 3 * DAY, {"sub_type": T.READING_ABNORMALITY, "start": HOUR, "resolve": 2 * DAY}),
    Showcase(A, URBAN, "counter", HOUR, {"sub_type": T.OTHER, "channel": Channel.COUNTER}),
    Showcase(A, URBAN_2, "counter", 26 * HOUR, {"sub_type": T.RECONNECTION, "channel": Channel.COUNTER, "start": HOUR}),
    Showcase(
        A, "customer", "default", 3 * HOUR, {"sub_type": T.METER_CALIBRATION, "channel": Channel.WEB, "start": HOUR}
    ),
)


def showcase_orders(planner: Planner) -> Iterator[PlannedOrder]:
    """The open orders of SHOWCASE, on the demo city; those whose 台区 or people are missing are left out."""
    for case in SHOWCASE:
        place = showcase_place(planner, case)
        if place is None:
            continue
        show = dict(case.show)
        who = case.assignee
        if who not in (None, "team", "default"):
            who = planner.city.logins.get(who)
            if who is None:
                continue
        at = planner.now - case.ago
        if case.kind == FAULT_REPAIR:
            show.pop("passer_by", None)
            order = planner.fault(place, at, {**show, "crew": who})
            yield order
            neighbours = planner.by_grid.get(place.grid.pk) or [place]
            for n in range(case.followers):
                yield planner.joined(order, neighbours[n % len(neighbours)], at + (n + 1) * 5 * MINUTE)
        else:
            yield planner.application(place, at, {**show, "handler": who})


def showcase_place(planner: Planner, case: Showcase) -> Place | None:
    city = planner.city
    if case.grid == "customer":
        customer = city.logins.get(DEMO_CUSTOMER_PHONE)
        return next((p for p in city.places if customer and p.linked_user_id == customer.pk), None)
    grid = city.grids.get(case.grid)
    if grid is None:
        return None
    places = planner.by_grid.get(grid.pk, [])
    if places and not case.show.get("passer_by"):
        return planner.rng.choice(places)
    if case.kind == FAULT_REPAIR:  # a caller with no account: the 台区 and a location
        name = next(spec.address for spec in GRIDS if spec.code == grid.code)
        return Place(grid, address=f"{name}附近路口", phone=f"1395760{planner.rng.randrange(10**4):04d}")
    station = [p for p in city.places if p.grid.department_id == grid.department_id] or city.places
    return planner.rng.choice(station) if station else None


def default_orders(accounts: int) -> int:
    return round(accounts * ORDERS_PER_ACCOUNT)


def has_demo_orders() -> bool:
    return WorkOrder.objects.filter(kind__in=[FAULT_REPAIR, SERVICE_APPLICATION]).exists()


def seed_orders(
    *, seed: int, orders: int, chunk_size: int = CHUNK_SIZE, progress: Callable[[int], object] = lambda n: None
) -> int:
    """Create a year of fault repairs and service applications ending now, the showcase of open orders last;
    nothing if there are fault repairs or service applications already. Returns how many orders it created."""
    if orders <= 0 or has_demo_orders():
        return 0
    city = load_city()
    if not city.places:
        return 0
    planner = Planner(seed, city, timezone.now())
    # The showcase is planned first (its orders do not depend on the size) and written last, so that numbers
    # follow opening times.
    showcase = list(showcase_orders(planner))[:orders]
    year = year_of_orders(planner, orders - len(showcase))
    outages: dict[int, int] = {}
    created = 0
    for chunk in chain(_chunks(year, chunk_size), [showcase] if showcase else []):
        write_chunk(chunk, planner.now, planner.calendar, outages)
        created += len(chunk)
        progress(len(chunk))
        if settings.DEBUG:
            reset_queries()  # Django keeps the SQL of the last 9,000 queries under DEBUG
    return created


def _chunks(plans: Iterator[PlannedOrder], size: int) -> Iterator[list[PlannedOrder]]:
    chunk: list[PlannedOrder] = []
    for plan in plans:
        chunk.append(plan)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
