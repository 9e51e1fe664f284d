"""A year of demo complaints for `manage.py seed_demo` (and bench/complaints.py): the closed loop as it runs.

About six complaints, reports, opinions, suggestions and praises a year for every hundred accounts, over the year
ending now: supply quality the largest class (about a third, more in the summer), then business, service,
outages and grid construction. Each is planned as the steps it goes through (received by its channel, entered,
routed to the complaint centre's handler, contacted, investigated, analysed, rectified, verified, answered,
visited, assessed, closed) with its `contact` and `answer` clocks drawn around their channel's limits, so most
are met and some breached; a few are major, some are repeats (same account and category within 30 days), and
some dissatisfied customers reopen theirs. The plan is cut at "now" (portal.demo_orders' machinery), and a
showcase of open complaints in every step of the loop, on the `complaints` login's queue, follows the year.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD, Login, _seed_user
from accounts.models import Department, ElectricityAccount, Role, User
from complaints.models import (
    COMPLAINT,
    FEEDBACK_KINDS,
    MISCONDUCT_REPORT,
    OPINION,
    PRAISE,
    SUGGESTION,
    Accountability,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ContactMethod,
    MajorReason,
    Reporter,
    RootCause,
)
from complaints.routing import complaint_centre_for
from portal import demo_orders as base
from portal.demo_orders import DAY, HOUR, MINUTE, Calendar, City, Place, PlannedOrder, Policies, Step
from services.models import (
    QUALITY_CHARACTERISTICS,
    Channel,
    Clock,
    EventKind,
    Priority,
    ReturnVisit,
    Status,
    TimelineEvent,
    VisitChannel,
    WorkOrder,
)

C, S = ComplaintStatus, Status
COMPLAINTS_PER_ACCOUNT = 0.06
CHUNK_SIZE = 5_000
KINDS = {COMPLAINT: 74, MISCONDUCT_REPORT: 4, OPINION: 9, SUGGESTION: 6, PRAISE: 7}
# DOMAIN.md section 6: supply quality is about 31 % of 95598's complaints, the largest class.
CATEGORIES = {"supply_quality": 33, "business": 26, "service": 19, "outage": 15, "grid_construction": 7}
SUMMER = {6: 1.4, 7: 1.9, 8: 2.0, 9: 1.4}  # supply quality: air conditioning on long rural lines
CHANNELS = {
    Channel.HOTLINE: 58,
    Channel.GOVERNMENT: 12,
    Channel.REGULATOR: 7,
    Channel.WEB: 14,
    Channel.COUNTER: 6,
    Channel.LETTER: 3,
}
# How long after the channel received it the complaint is typed in.
ENTRY_DELAY = {Channel.LETTER: (24, 96), Channel.REGULATOR: (1, 6), Channel.GOVERNMENT: (1, 8)}
TEXTS = {
    "supply_quality": (
        "晚上电压低，空调启动不了",
        "本月已经停电三次，冰箱里的东西都坏了",
        "灯光忽明忽暗，电器无法正常使用",
    ),
    "business": ("电费比上月翻倍，怀疑电表有问题", "新装申请超过承诺时限还没接电", "收到的催费短信金额不对"),
    "service": ("营业厅工作人员态度冷淡", "抄表员上门没有出示工作证", "95598 电话等待太久没人接"),
    "outage": ("计划停电没有提前通知", "停电时间比公告的长了三个小时", "故障报修后抢修人员迟迟不到"),
    "grid_construction": ("施工后路面没有恢复", "新立电杆挡住了我家门口", "变压器噪声太大影响休息"),
}
LIGHT_TEXTS = {
    MISCONDUCT_REPORT: "抄表人员私下收取费用",
    OPINION: "希望营业厅周末也能办理业务",
    SUGGESTION: "建议在小区张贴停电通知二维码",
    PRAISE: "抢修师傅冒雨连夜修好线路，非常感谢",
}
FAULT_SHARE, MAJOR_SHARE, REOPEN_SHARE, REPEAT_SHARE = 0.72, 0.02, 0.07, 0.1


@dataclass
class Plan:
    """One complaint as planned: its order (demo_orders' plan) and its particulars' facts, times as planned."""

    order: PlannedOrder
    received_at: datetime
    category_id: int | None
    top: str
    facts: dict[str, object] = field(default_factory=dict)
    findings: list[tuple[datetime, dict[str, object]]] = field(default_factory=list)
    reporter: dict[str, object] | None = None


@dataclass
class Office:
    """Who handles complaints for a station: its complaint centre, the centre's handlers, a manager above."""

    centre_id: int
    handlers: list[int]
    verifier: int | None


class ComplaintPlanner:
    """Plans complaints from one random stream: the same seed, city and day give the same complaints."""

    def __init__(self, seed: int, city: City, now: datetime) -> None:
        self.rng = random.Random(f"complaints.demo:{seed}")
        self.city, self.now = city, now
        self.policies, self.calendar = Policies(), Calendar()
        self.categories = _categories()
        causes = list(RootCause.objects.filter(is_active=True).values_list("pk", "is_company_fault"))
        self.fault_causes = [pk for pk, fault in causes if fault]
        self.other_causes = [pk for pk, fault in causes if not fault]
        self.offices: dict[int, Office] = {}
        self.last: dict[tuple[int, str], tuple[datetime, int]] = {}  # (account, category) → latest complaint

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def office(self, department_id: int) -> Office:
        if department_id not in self.offices:
            centre = complaint_centre_for(Department.objects.get(pk=department_id))
            handlers = list(
                User.objects.filter(department=centre, role=Role.COMPLAINT_HANDLER, is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True).order_by("pk")
            verifier = (
                managers.filter(department=centre).first()
                or managers.filter(department_id=centre.parent_id).first()
                or managers.first()
            )
            self.offices[department_id] = Office(centre.pk, handlers, verifier.pk if verifier else None)
        return self.offices[department_id]

    # --- One complaint -----------------------------------------------------------------------------------

    def new(self, kind: str, place: Place, received: datetime, channel: str, top: str = "") -> Plan:
        top = (top or self.pick(CATEGORIES)) if kind == COMPLAINT else ""
        category_id = self.rng.choice(self.categories[top]) if top else None
        low, high = ENTRY_DELAY.get(channel, (0.02, 0.5))
        opened = min(received + self.rng.uniform(low, high) * HOUR, self.now - MINUTE)
        web = channel == Channel.WEB
        confidential = kind == MISCONDUCT_REPORT
        text = self.rng.choice(TEXTS[top]) if top else LIGHT_TEXTS[kind]
        office = self.office(place.grid.department_id)
        order = PlannedOrder(
            kind,
            top,
            channel,
            Priority.NORMAL,
            place,
            opened,
            text,
            office.centre_id,
            None,
            place.linked_user_id if web and not confidential else None,
            None,
        )
        order.steps.append(Step(opened, EventKind.CREATED, None, public=True, status=S.NEW))
        plan = Plan(order, received, category_id, top)
        if confidential:
            plan.reporter = {"user_id": place.linked_user_id if web else None, "phone": place.phone}
        handler = self.rng.choice(office.handlers) if office.handlers else None
        if handler is not None:
            order.assignee_id = handler
            order.steps.append(Step(opened + MINUTE, EventKind.ASSIGNED, None, new="", status=S.ASSIGNED))
        return plan

    def move(self, plan: Plan, at: datetime, to: str, by: int | None, note: str = "", public: bool = False) -> None:
        steps = plan.order.steps
        old = next(step.status for step in reversed(steps) if step.status)
        steps.append(Step(at, EventKind.STATUS_CHANGED, by, old, to, note, public, status=to))

    def clock(self, plan: Plan, name: str, start: datetime, met_share: float) -> tuple[datetime, datetime] | None:
        """Start `name` at `start` and plan when it stops, around its limit; (stop, due) or None without a policy."""
        order = plan.order
        policy = self.policies.get(order.kind, name, order.sub_type, order.place, order.channel, start)
        if policy is None:
            return None
        due = self.calendar.due(policy, start)
        share = self.rng.uniform(0.25, 0.97) if self.rng.random() < met_share else self.rng.uniform(1.03, 1.5)
        stop = start + (due - start) * share
        order.clocks.append(base.PlannedClock(name, policy, start, due, stop))
        return stop, due

    def stop_at(self, plan: Plan, name: str, at: datetime) -> None:
        """Move the planned stop of the last clock `name` (a reopened complaint's second answer)."""
        clock = next(clock for clock in reversed(plan.order.clocks) if clock.name == name)
        clock.stop_at = at

    def complaint(self, plan: Plan, fault: bool | None = None) -> None:
        """The whole loop, from contact to closure, with a reopening now and then."""
        rng, order = self.rng, plan.order
        handler, received = order.assignee_id, plan.received_at
        contact = self.clock(plan, "contact", received, 0.9)
        answer = self.clock(plan, "answer", received, 0.84)
        contacted = max(contact[0] if contact else order.opened_at + 4 * HOUR, order.opened_at + 10 * MINUTE)
        answered = max(answer[0] if answer else received + 5 * DAY, contacted + 4 * HOUR)
        plan.facts.update(contacted_at=contacted, contact_method=rng.choice(list(ContactMethod.values)))
        self.move(plan, contacted, C.CONTACTED, handler, "已与客户电话沟通，约定上门核查", public=True)
        fault = rng.random() < FAULT_SHARE if fault is None else fault
        self.work(plan, contacted, answered, fault)
        visited = answered + rng.uniform(1, 3) * DAY
        if rng.random() < REOPEN_SHARE:
            self.move(plan, visited, C.INVESTIGATED, handler, "客户对处理结果不满意，重新调查", public=True)
            plan.facts["reopen_count"] = 1
            again = self.clock(plan, "answer", visited, 0.8)
            answered = again[0] if again else visited + 3 * DAY
            self.work(plan, visited, answered, fault, reopened=True)
            visited = answered + rng.uniform(1, 3) * DAY
        plan.facts.update(visited_at=visited, is_satisfied=True)
        self.move(plan, visited, C.VISITED, handler, "回访客户，表示满意", public=True)
        # The handler's telephone return visit (services.visits), rated 4 or 5 by the visit's minute: its
        # ReturnVisit row (_visit) and its timeline event (demo_orders._events) are written with the complaint.
        overall = 4 + visited.minute % 2
        scores = {name: overall for name, _label in QUALITY_CHARACTERISTICS}
        order.visit = {
            "overall": overall,
            "comment": "",
            "channel": VisitChannel.PHONE,
            "recorded_at": visited,
            **scores,
        }
        closing = visited + rng.uniform(0.5, 3) * DAY
        if fault:
            self.assess(plan, visited + rng.uniform(0.2, 2) * DAY)
            closing += 2 * DAY
        self.move(plan, closing, S.CLOSED, handler, public=True)

    def work(self, plan: Plan, start: datetime, answered: datetime, fault: bool, reopened: bool = False) -> None:
        """Investigation, analysis, rectification and verification spread between `start` and the answer."""
        rng, handler = self.rng, plan.order.assignee_id
        span = answered - start
        first = C.INVESTIGATED if not reopened else None
        if first:
            self.move(plan, start + span * 0.2, first, handler, "现场核实：情况属实")
        cause = rng.choice(self.fault_causes if fault else self.other_causes)
        plan.facts.update(
            facts="现场核实：情况属实",
            investigated_at=start + span * 0.2,
            root_cause_id=cause,
            is_company_fault=fault,
            analysed_at=start + span * 0.4,
            responsible_department_id=plan.order.place.grid.department_id if fault else None,
        )
        self.move(plan, start + span * 0.4, C.ANALYSED, handler, "原因分析完成")
        if fault:
            office = self.office(plan.order.place.grid.department_id)
            plan.facts.update(rectification="已完成整改", rectified_at=start + span * 0.6)
            self.move(plan, start + span * 0.6, C.RECTIFIED, handler, "已完成整改")
            plan.facts.update(verified_at=start + span * 0.8, verified_by_id=office.verifier)
            self.move(plan, start + span * 0.8, C.VERIFIED, office.verifier, "同意答复")
        reply = "经核实，已完成整改，感谢您的监督" if fault else "经核实，该问题不属于供电公司责任，已向您说明原因"
        plan.facts.update(reply=reply, answered_at=answered)
        plan.order.result, plan.order.result_at = reply, answered
        self.move(plan, answered, C.ANSWERED, handler, reply, public=True)

    def assess(self, plan: Plan, at: datetime) -> None:
        points = Decimal(self.rng.choice(("0.5", "1.0", "1.0", "2.0", "3.0")))
        department = plan.order.place.grid.department_id
        plan.findings.append((at, {"department_id": department, "penalty_points": points, "finding": "考核扣分"}))
        plan.facts["assessed_at"] = at
        self.move(plan, at, C.ASSESSED, self.office(department).verifier, "考核完成")

    def light(self, plan: Plan) -> None:
        """A report is investigated, answered, sometimes assessed; the others are answered and closed."""
        order, handler = plan.order, plan.order.assignee_id
        answer = self.clock(plan, "answer", plan.received_at, 0.9)
        answered = max(answer[0] if answer else order.opened_at + 2 * DAY, order.opened_at + HOUR)
        if order.kind == MISCONDUCT_REPORT:
            self.move(plan, order.opened_at + (answered - order.opened_at) * 0.5, C.INVESTIGATED, handler, "已调查")
        reply = "感谢您的反馈，已转相关部门" if order.kind != PRAISE else "感谢您的表扬，已转达"
        plan.facts.update(reply=reply, answered_at=answered)
        order.result, order.result_at = reply, answered
        self.move(plan, answered, C.ANSWERED, handler, reply, public=True)
        if order.kind == MISCONDUCT_REPORT and self.rng.random() < 0.5:
            self.assess(plan, answered + DAY)
        self.move(plan, answered + self.rng.uniform(1, 4) * DAY, S.CLOSED, handler, public=True)

    def plan(
        self, kind: str, place: Place, received: datetime, channel: str, fault: bool | None = None, top: str = ""
    ) -> Plan:
        plan = self.new(kind, place, received, channel, top)
        if plan.top:
            self.mark_repeat(plan, place)
        if kind == COMPLAINT and self.rng.random() < MAJOR_SHARE:
            plan.facts.update(is_major=True, major_reason=self.rng.choice(list(MajorReason.values)))
            plan.order.priority = Priority.URGENT
        if kind == PRAISE:
            plan.facts["credited_department_id"] = place.grid.department_id
        if kind == COMPLAINT:
            self.complaint(plan, fault)
        else:
            self.light(plan)
        return plan

    def mark_repeat(self, plan: Plan, place: Place) -> None:
        key = (place.account_id, plan.top)
        earlier = self.last.get(key)
        if earlier is not None and plan.received_at - earlier[0] <= timedelta(days=30):
            plan.facts["is_repeat"] = True
        self.last[key] = (plan.received_at, id(plan))

    def received_times(self, n: int) -> list[tuple[datetime, str]]:
        """`n` (received at, top category or kind) over the year ending now, in time order."""
        today, zone = timezone.localdate(self.now), timezone.get_default_timezone()
        out = []
        for _ in range(n):
            kind = self.pick(KINDS)
            day = today - DAY * self.rng.randrange(365)
            while kind == COMPLAINT and self.rng.random() > SUMMER.get(day.month, 1.0) / 2.0:
                day = today - DAY * self.rng.randrange(365)
            at = datetime.combine(day, datetime.min.time(), tzinfo=zone) + self.rng.uniform(7, 22) * HOUR
            out.append((min(at, self.now - self.rng.uniform(2, 240) * MINUTE), kind))
        return sorted(out)


def _categories() -> dict[str, list[int]]:
    """Top category code → the ids of its sub-categories (or itself if it has none)."""
    tops = {cat.pk: cat.code for cat in ComplaintCategory.objects.filter(parent__isnull=True)}
    children: dict[str, list[int]] = {code: [] for code in tops.values()}
    for pk, parent_id in ComplaintCategory.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[tops[parent_id]].append(pk)
    return {code: ids or [pk] for (pk, code), ids in zip(tops.items(), children.values(), strict=True)}


# --- The year, the showcase, writing -----------------------------------------------------------------------


def year(planner: ComplaintPlanner, n: int) -> Iterator[Plan]:
    """The year's complaints in time order; now and then a customer complains again about the same thing."""
    recent: list[tuple[Place, str]] = []
    for received, kind in planner.received_times(n):
        place, top = planner.rng.choice(planner.city.places), ""
        if kind == COMPLAINT and recent and planner.rng.random() < REPEAT_SHARE:
            place, top = planner.rng.choice(recent[-15:])
        plan = planner.plan(kind, place, received, planner.pick(CHANNELS), top=top)
        if plan.top:
            recent.append((place, plan.top))
        yield plan


# The showcase: open complaints stopped at each step of the loop, and the lighter kinds' open steps.
SHOWCASE = [
    (COMPLAINT, S.NEW, 2),
    (COMPLAINT, S.ASSIGNED, 3),
    (COMPLAINT, C.CONTACTED, 20),
    (COMPLAINT, C.INVESTIGATED, 30),
    (COMPLAINT, C.ANALYSED, 50),
    (COMPLAINT, C.RECTIFIED, 60),
    (COMPLAINT, C.VERIFIED, 70),
    (COMPLAINT, C.ANSWERED, 80),
    (COMPLAINT, C.VISITED, 100),
    (COMPLAINT, C.ASSESSED, 120),
    (MISCONDUCT_REPORT, C.INVESTIGATED, 40),
    (OPINION, S.ASSIGNED, 5),
]


def showcase(planner: ComplaintPlanner) -> Iterator[Plan]:
    """Open complaints in every step, on the `complaints` login's queue; one major, one of the demo customer's."""
    handler = planner.city.logins.get("complaints")
    customer = planner.city.logins.get(DEMO_CUSTOMER_PHONE)
    own = [p for p in planner.city.places if customer is not None and p.linked_user_id == customer.pk]
    for index, (kind, status, hours) in enumerate(SHOWCASE):
        place = own[0] if own and status == C.ANSWERED else planner.rng.choice(planner.city.places)
        channel = Channel.WEB if own and status == C.ANSWERED else planner.pick(CHANNELS)
        received = planner.now - hours * HOUR
        plan = planner.plan(kind, place, received, channel, fault=True)
        _cut(plan, status, planner.now)
        if handler is not None and status != S.NEW:
            plan.order.assignee_id, plan.order.department_id = handler.pk, handler.department_id
        if index == 3:
            plan.facts.update(is_major=True, major_reason=MajorReason.MEDIA)
            plan.order.priority = Priority.URGENT
        yield plan


def _cut(plan: Plan, status: str, now: datetime) -> None:
    """Keep the plan's steps up to the first time it reaches `status`, squeezed into the time before now."""
    steps = plan.order.steps
    end = next((i for i, step in enumerate(steps) if step.status == status), len(steps) - 1)
    kept = steps[: end + 1]
    start, span = kept[0].at, now - MINUTE - kept[0].at
    last = kept[-1].at
    for step in kept:
        step.at = start + span * ((step.at - start) / (last - start) if last > start else 0)
    plan.order.steps = kept
    for clock in plan.order.clocks:
        stopped = {C.CONTACTED: "contact", C.ANSWERED: "answer"}
        reached = {s.status for s in kept}
        stops = [name for st, name in stopped.items() if st in reached]
        if clock.name not in stops:
            clock.stop_at = now + 10_000 * DAY
    plan.order.clocks = [c for c in plan.order.clocks if c.started_at <= now]
    cutoff = kept[-1].at
    plan.facts = {k: v for k, v in plan.facts.items() if not isinstance(v, datetime) or v <= cutoff}
    plan.facts.pop("reopen_count", None)
    plan.findings = [(at, f) for at, f in plan.findings if at <= cutoff]
    plan.order.result_at = plan.order.result_at if plan.order.result_at and plan.order.result_at <= cutoff else None


def _particulars(plan: Plan, now: datetime) -> Complaint:
    facts = {key: value for key, value in plan.facts.items() if not isinstance(value, datetime) or value <= now}
    answered = facts.get("answered_at")
    if not answered:
        facts.pop("reply", None)
    if not facts.get("analysed_at"):
        for key in ("root_cause_id", "is_company_fault", "responsible_department_id", "facts"):
            facts.pop(key, None)
    if not facts.get("rectified_at"):
        facts.pop("rectification", None)
    if not facts.get("verified_at"):
        facts.pop("verified_by_id", None)
    if not facts.get("visited_at"):
        facts.pop("is_satisfied", None)
    if (
        facts.get("reopen_count")
        and plan.order.steps
        and not any(s.at <= now and s.old == C.ANSWERED and s.status == C.INVESTIGATED for s in plan.order.steps)
    ):
        facts.pop("reopen_count")
    return Complaint(
        order_id=plan.order.pk,
        category_id=plan.category_id,
        received_at=plan.received_at,
        is_confidential=plan.order.kind == MISCONDUCT_REPORT,
        **facts,
    )


def write(plans: list[Plan], now: datetime, calendar: Calendar) -> None:
    """Insert a chunk of planned complaints with their particulars, clocks, timelines and findings."""
    orders = [plan.order for plan in plans]
    with transaction.atomic():
        rows = WorkOrder.objects.bulk_create([base.work_order(o, now) for o in orders], batch_size=base.BATCH_SIZE)
        numbers = {}
        for order, row in zip(orders, rows, strict=True):
            order.pk = row.pk
            numbers[order.pk] = f"{timezone.localdate(order.opened_at):%Y%m%d}{row.pk:08d}"
        base._number(orders)
        clocks = {id(o): [c for p in o.clocks if (c := base.clock_row(o, p, now, calendar))] for o in orders}
        base._bulk(Clock, [clock for each in clocks.values() for clock in each])
        base._bulk(Complaint, [_particulars(plan, now) for plan in plans])
        base._bulk(Reporter, [Reporter(complaint_id=p.order.pk, **p.reporter) for p in plans if p.reporter])
        base._bulk(
            Accountability,
            [Accountability(complaint_id=p.order.pk, at=at, **f) for p in plans for at, f in p.findings if at <= now],
        )
        base._bulk(ReturnVisit, [v for p, row in zip(plans, rows, strict=True) if (v := _visit(p, row, now))])
        base._bulk(TimelineEvent, [e for o in orders for e in base._events(o, clocks[id(o)], numbers[o.pk], now)])


def _visit(plan: Plan, row: WorkOrder, now: datetime) -> ReturnVisit | None:
    """The complaint's return visit, once its time has come (the handler's call: recorded by the assignee)."""
    visit = plan.order.visit
    if visit is None or visit["recorded_at"] > now:
        return None
    return ReturnVisit(
        order_id=row.pk, department_id=row.department_id, assignee_id=row.assigned_to_id,
        recorded_by_id=row.assigned_to_id, **visit,
    )  # fmt: skip


def default_complaints(accounts: int) -> int:
    return max(30, round(accounts * COMPLAINTS_PER_ACCOUNT)) if accounts else 0


def fill(
    n: int,
    *,
    seed: int,
    now: datetime | None = None,
    with_showcase: bool = True,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    """Create `n` complaints over the year ending `now` (the showcase last); returns how many it created.

    bench/complaints.py calls this for 100,000 complaints on its own database (after seeding the city).
    """
    city = base.load_city()
    # Without the reference data of migration complaints.0002 (a flushed test database) there is nothing to file.
    if not city.places or n <= 0 or not RootCause.objects.exists() or not ComplaintCategory.objects.exists():
        return 0
    planner = ComplaintPlanner(seed, city, now or timezone.now())
    shown = list(showcase(planner)) if with_showcase else []
    created = 0
    for chunk in chain_chunks(year(planner, max(0, n - len(shown))), chunk_size, shown):
        write(chunk, planner.now, planner.calendar)
        created += len(chunk)
        progress(len(chunk))
    return created


def chain_chunks(plans: Iterator[Plan], size: int, last: list[Plan]) -> Iterator[list[Plan]]:
    chunk: list[Plan] = []
    for plan in plans:
        chunk.append(plan)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    if last:
        yield last


# The complaint loop's people beyond the city's demo logins: the complaint centre's head (the second person who
# verifies, and who watches major and overdue complaints) and the company's leadership (told of major ones).
COMPLAINT_STAFF = (
    Login("kfmanager", "郑雅琴", Role.DEPARTMENT_MANAGER, "TZ-KF"),
    Login("leader", "叶国庆", Role.DEPARTMENT_MANAGER, "TZ"),
)


def seed_complaint_staff() -> list[User]:
    """Add the complaint loop's demo logins (password DEMO_PASSWORD) where the city has their departments."""
    departments = {d.code: d for d in Department.objects.filter(code__in=[x.department for x in COMPLAINT_STAFF])}
    password = make_password(DEMO_PASSWORD)
    return [_seed_user(login, departments, password) for login in COMPLAINT_STAFF if login.department in departments]


def seed_complaints(*, seed: int) -> int:
    """seed_demo's one call: the loop's logins and a year of complaints proportional to the city, unless there
    are complaints already."""
    seed_complaint_staff()
    if Complaint.objects.exists() or WorkOrder.objects.filter(kind__in=FEEDBACK_KINDS).exists():
        return 0
    return fill(default_complaints(ElectricityAccount.objects.count()), seed=seed)
