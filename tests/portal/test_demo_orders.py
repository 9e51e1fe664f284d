import random
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import FEEDBACK_KINDS
from portal import demo_orders as demo
from services import escalation, kinds, queues
from services.applications.models import SERVICE_APPLICATION, ServiceApplication
from services.enquiries.models import ENQUIRY_KINDS
from services.models import (
    QUALITY_CHARACTERISTICS,
    Clock,
    ClockState,
    EventKind,
    Priority,
    ReturnVisit,
    Status,
    TimelineEvent,
    WorkOrder,
)
from services.models.orders import CLOSED
from services.repair.models import FAULT_REPAIR, FaultReport, OutageEvent, RepairStatus

# Every status an order can be open in, of every registered kind.
OPEN = {value for value, _label in kinds.status_choices()} - set(CLOSED)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def seed_demo(accounts: int = 80, orders: int = 120, seed: int = 7) -> None:
    call_command("seed_demo", accounts=accounts, orders=orders, seed=seed, verbosity=0, stdout=StringIO())


def planned() -> QuerySet[WorkOrder]:
    """The planner's orders: not the reconnection applications the billing demo's paid-off disconnections open
    (billing.demo, after the orders, at the seeding's moment)."""
    return WorkOrder.objects.exclude(sub_type="reconnection", opened_at__gte=NOW)


def snapshot() -> list[tuple]:
    return list(
        # Every field shown takes part in the order: two showcase reports opened at one instant without an account
        # would otherwise come in either order on PostgreSQL.
        planned().order_by("opened_at", "kind", "account__number", "sub_type", "description").values_list(
            "kind", "sub_type", "channel", "status", "opened_at", "closed_at", "account__number", "grid__code",
            "assigned_to__username", "department__code", "description", "result",
        )
    )  # fmt: skip


def test_a_small_seed_makes_both_kinds_with_their_particulars_clocks_timelines_and_ratings():
    seed_demo()
    # Complaints have their own test; enquiries are their share of the year's 120 orders (portal.demo_presale).
    orders = planned().filter(kind__in=[FAULT_REPAIR, SERVICE_APPLICATION, *ENQUIRY_KINDS])
    kinds = dict(orders.values_list("kind").annotate(Count("id")))
    assert sum(kinds.values()) == 120
    assert kinds[FAULT_REPAIR] > kinds[SERVICE_APPLICATION] > 20
    assert FaultReport.objects.count() == kinds[FAULT_REPAIR]
    assert ServiceApplication.objects.filter(order__in=orders).count() == kinds[SERVICE_APPLICATION]
    assert not orders.filter(number=None).exists()
    for order in orders:
        assert order.number == f"{timezone.localdate(order.opened_at):%Y%m%d}{order.pk:08d}"
    assert orders.filter(opened_at__lt=NOW - timezone.timedelta(days=300)).exists()
    assert set(orders.values_list("channel", flat=True)) >= {"95598", "web", "counter"}
    # Every order starts its timeline with its creation, and a closed one ends it closed.
    created = TimelineEvent.objects.filter(kind=EventKind.CREATED, order__in=orders)
    assert created.count() == 120 and all(event.new_value == event.order.number for event in created)
    closed = orders.filter(status=Status.CLOSED)
    assert closed.count() > 60 and not closed.filter(closed_at=None).exists()
    assert TimelineEvent.objects.filter(order__in=closed, new_value=Status.CLOSED).count() == closed.count()


def test_clocks_are_mostly_met_some_after_a_warning_and_some_breached():
    seed_demo()
    stopped = Clock.objects.filter(state__in=[ClockState.MET, ClockState.BREACHED])
    states = dict(stopped.values_list("state").annotate(Count("id")))
    assert states[ClockState.MET] > 3 * states[ClockState.BREACHED] > 0
    assert stopped.filter(state=ClockState.MET, warning_level__gt=0).exists()
    for clock in stopped.filter(state=ClockState.BREACHED):
        assert clock.stopped_at > clock.due_at and clock.breached_at == clock.due_at
    for clock in stopped.filter(state=ClockState.MET):
        assert clock.stopped_at <= clock.due_at and clock.breached_at is None
    assert TimelineEvent.objects.filter(kind=EventKind.SLA_BREACH).count() == states[ClockState.BREACHED]
    arrivals = dict(Clock.objects.filter(name="arrival").values_list("target").annotate(Count("id")))
    assert set(arrivals) == {45, 90, 120}  # urban, rural and remote 台区


def test_open_orders_stand_in_every_state_with_running_or_paused_clocks():
    seed_demo()
    open_orders = WorkOrder.objects.open()
    assert set(open_orders.values_list("status", flat=True)) == OPEN
    assert not Clock.objects.filter(order__status=Status.CLOSED, state__in=[ClockState.RUNNING, ClockState.PAUSED])
    # The service application waiting for evidence (in-sale's applications waiting for documents have their own).
    waiting = open_orders.filter(kind=SERVICE_APPLICATION).get(status=Status.WAITING_CUSTOMER)
    assert waiting.clocks.get().state == ClockState.PAUSED
    assert waiting.application.evidence_requested_at is not None
    joined = open_orders.filter(status=RepairStatus.JOINED_OUTAGE).select_related("fault__outage")
    assert joined.count() == 2
    outage = joined[0].fault.outage
    assert outage.restored_at is None and outage.lead_order.is_open and joined[1].fault.outage == outage
    assert OutageEvent.objects.filter(grid=outage.grid, restored_at=None).count() == 1
    # Running clocks carry their next alert; those past a level are left for the sweep to announce.
    running = Clock.objects.filter(state=ClockState.RUNNING)
    assert not running.filter(alert_at=None).exists() and not running.exclude(warning_level=0).exists()


def test_the_sweep_announces_the_warnings_and_breaches_of_the_open_demo_orders_by_itself():
    seed_demo()
    assert escalation.sweep() > 3
    assert TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING).exists()
    assert TimelineEvent.objects.filter(kind=EventKind.SLA_BREACH, order__status__in=OPEN).exists()


def test_the_demo_logins_find_open_orders_in_their_queues(django_user_model):
    seed_demo()
    users = {
        user.username: user for user in django_user_model.objects.filter(username__in=["repair", "grid", "counter"])
    }
    repairs = list(queues.my_queue(users["repair"], timezone.now()))
    assert len(repairs) >= 6 and {order.kind for order in repairs} == {FAULT_REPAIR}
    # Most urgent first: urgent (danger) faults lead, then breached, then by the next deadline.
    deadlines = [
        order.next_due_at
        for order in repairs
        if order.priority != Priority.URGENT and not order.is_breached and order.next_due_at
    ]
    assert deadlines == sorted(deadlines)
    ranks = [0 if order.priority == Priority.URGENT else 1 if order.is_breached else 2 for order in repairs]
    assert ranks == sorted(ranks)
    for login in ("grid", "counter"):
        kinds = {order.kind for order in queues.my_queue(users[login], timezone.now())}
        # The counter also answers the day's enquiries (issue 11, portal.demo_presale).
        assert SERVICE_APPLICATION in kinds and kinds <= {SERVICE_APPLICATION, "enquiry", "information_query"}, login
    assert queues.team_queue(users["repair"], timezone.now()).filter(status=Status.NEW).exists()


def test_the_readme_walk_a_fault_the_demo_customer_reports_reaches_the_repair_login(django_user_model):
    """README: sign in as 13800000001, report a fault; sign in as `repair` and work it (the default seed)."""
    from services.repair import actions as repair

    seed_demo(accounts=100, orders=40, seed=2026)
    customer = django_user_model.objects.get(username="13800000001")
    accounts = customer.linked_accounts.all()
    assert accounts.count() == 2
    for account in accounts:
        order = repair.report_fault(
            by=customer, channel="web", fault_type="no_power_home", description="No power", account=account
        )
        assert order.assigned_to.username == "repair", account.grid.code


def test_closed_orders_are_mostly_rated_credited_to_their_department_and_assignee():
    seed_demo()
    visits = ReturnVisit.objects.select_related("order__complaint")
    closed = WorkOrder.objects.filter(status=Status.CLOSED).exclude(kind__in=FEEDBACK_KINDS).count()
    assert closed * 0.6 < visits.exclude(order__kind__in=FEEDBACK_KINDS).count() < closed
    for visit in visits:
        order = visit.order
        if order.kind in FEEDBACK_KINDS:  # a complaint's answer is rated, before it is assessed and closed
            assert order.complaint.answered_at < visit.recorded_at == order.complaint.visited_at
        else:
            assert order.status == Status.CLOSED and visit.recorded_at > order.closed_at
        assert (visit.department_id, visit.assignee_id) == (order.department_id, order.assigned_to_id)
        assert all(1 <= getattr(visit, name) <= 5 for name in ["overall", *dict(QUALITY_CHARACTERISTICS)])
    assert TimelineEvent.objects.filter(kind=EventKind.RETURN_VISIT).count() == visits.count()


def test_the_same_seed_makes_the_same_orders_and_another_seed_others():
    seed_demo()
    first = snapshot()
    WorkOrder.objects.all().delete()
    seed_demo()
    assert snapshot() == first
    WorkOrder.objects.all().delete()
    seed_demo(seed=8)
    assert snapshot() != first


def test_running_again_adds_nothing_in_a_few_queries():
    seed_demo()
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        created = demo.seed_orders(seed=7, orders=120)
    assert created == 0 and snapshot() == before
    assert len(queries) == 1


def test_orders_zero_seeds_none_and_the_default_is_two_for_every_five_accounts():
    seed_demo(accounts=100, orders=0)
    assert not WorkOrder.objects.exists()
    call_command("seed_demo", accounts=100, seed=7, verbosity=0, stdout=StringIO())
    # Complaints are counted by their own test; enquiries are a share of the default orders.
    backbone_kinds = WorkOrder.objects.filter(kind__in=[FAULT_REPAIR, SERVICE_APPLICATION, *ENQUIRY_KINDS])
    assert backbone_kinds.count() == demo.default_orders(100) == 40


def test_faults_come_most_in_summer_and_around_the_spring_festival():
    rng = random.Random(1)
    times = demo.opening_times(rng, FAULT_REPAIR, 20_000, timezone.now(), demo.Calendar())
    per_day = {}
    for at in times:
        day = timezone.localdate(at)
        per_day[day] = per_day.get(day, 0) + 1
    summer = [n for day, n in per_day.items() if day.month == 8]
    spring = [n for day, n in per_day.items() if day.month == 4]
    festival = [n for day, n in per_day.items() if date(2026, 2, 14) <= day <= date(2026, 2, 22)]
    march = [n for day, n in per_day.items() if day.month == 3]
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    assert mean(summer) > 1.8 * mean(spring)
    assert mean(festival) > 1.4 * mean(march)
