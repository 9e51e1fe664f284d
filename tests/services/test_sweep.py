"""The SLA sweep: warnings and breaches raised once, by level, to the right people, in a fixed number of queries."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from services import escalation
from services.actions import NewOrder, assign, open_order
from services.applications.models import SERVICE_APPLICATION
from services.models import (
    Channel,
    Clock,
    ClockState,
    EventKind,
    Notification,
    SlaPolicy,
    SlaUnit,
    Status,
    TimelineEvent,
    WorkOrder,
)
from services.repair.models import FAULT_REPAIR
from services.sla import pause_clock, start_clock, stop_clock
from services.tasks import sweep_sla_clocks
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # an urban fault's arrival clock: due 10:45
LEVEL_1, LEVEL_2, LEVEL_3, DUE = (T0 + timedelta(minutes=m) for m in (22.5, 33.75, 40.5, 45))


@pytest.fixture
def stan(station) -> User:
    """The supply station's own manager: the repair crew's supervisor (mona manages the company above)."""
    return StaffFactory(username="stan", role=Role.DEPARTMENT_MANAGER, department=station, email="stan@example.com")


@pytest.fixture
def crew(ray, stan, mona) -> dict[str, User]:
    ray.email, ray.phone = "ray@example.com", "13900000001"
    ray.save(update_fields=["email", "phone"])
    return {"ray": ray, "stan": stan, "mona": mona}


def repair(grid, assignee: User | None) -> WorkOrder:
    new = NewOrder(kind=FAULT_REPAIR, channel=Channel.WEB, description="No power", grid_id=grid.pk)
    order = open_order(new, by=None)
    if assignee:
        order = assign(order, assignee, by=None)
    else:
        order.department = grid.department
        order.save(update_fields=["department"])
    start_clock(order, "arrival", at=T0)
    return order


def open_clocks(n: int, *, started_at: datetime, assignee: User) -> list[Clock]:
    """n urban arrival clocks on n assigned fault orders, inserted directly (the way the benchmark does)."""
    # The migration loads this policy; a transactional test (which runs after a flush) makes it again.
    policy, _ = SlaPolicy.objects.get_or_create(
        order_kind=FAULT_REPAIR,
        clock="arrival",
        area_type="urban",
        sub_type="",
        customer_class="",
        channel="",
        defaults={"name": "Urban arrival", "target": 45, "unit": SlaUnit.MINUTES, "effective_from": date(2023, 12, 8)},
    )
    orders = WorkOrder.objects.bulk_create(
        WorkOrder(
            kind=FAULT_REPAIR,
            channel=Channel.WEB,
            status=Status.ASSIGNED,
            description="No power",
            opened_at=started_at,
            assigned_to=assignee,
            department_id=assignee.department_id,
        )
        for _ in range(n)
    )
    return Clock.objects.bulk_create(
        Clock(
            order=order,
            name="arrival",
            policy=policy,
            target=45,
            unit=SlaUnit.MINUTES,
            warning_levels=[50, 75, 90],
            started_at=started_at,
            due_at=started_at + timedelta(minutes=45),
            alert_at=started_at + timedelta(minutes=22.5),
        )
        for order in orders
    )


def recipients(order: WorkOrder, level: str) -> dict[str, set[str]]:
    """Who got a message about the order's arrival clock at `level`, and on which channels."""
    rows = Notification.objects.filter(order=order, dedupe_key__contains=f":level:{level}:")
    found: dict[str, set[str]] = {}
    for username, channel in rows.values_list("recipient__username", "channel"):
        found.setdefault(username, set()).add(channel)
    return found


def sla_events(order: WorkOrder) -> list[tuple[str, str]]:
    kinds = [EventKind.SLA_WARNING, EventKind.SLA_BREACH]
    return list(order.events.filter(kind__in=kinds).values_list("kind", "new_value"))


# --- Levels and recipients -----------------------------------------------------------------------------


def test_the_sweep_raises_level_one_at_half_the_time_and_not_before(grid, crew):
    order = repair(grid, crew["ray"])
    assert escalation.sweep(now=LEVEL_1 - timedelta(microseconds=1)) == 0
    assert sla_events(order) == []
    assert escalation.sweep(now=LEVEL_1) == 1
    assert sla_events(order) == [(EventKind.SLA_WARNING, "1")]
    clock = order.clocks.get()
    assert (clock.warning_level, clock.alert_at, clock.breached_at) == (1, LEVEL_2, None)


def test_level_one_goes_to_the_assignee_on_every_channel_they_have(grid, crew):
    order = repair(grid, crew["ray"])
    escalation.sweep(now=LEVEL_1)
    assert recipients(order, "1") == {"ray": {"inbox", "email", "sms"}}
    message = Notification.objects.filter(order=order, dedupe_key__startswith="clock:").first()
    assert (message.template, message.context["clock"], message.context["percent"]) == ("sla_warning", "arrival", 50)


def test_level_two_also_goes_to_the_supervisor_and_level_three_to_the_manager_above(grid, crew):
    order = repair(grid, crew["ray"])
    for now in (LEVEL_1, LEVEL_2, LEVEL_3):
        escalation.sweep(now=now)
    assert set(recipients(order, "2")) == {"ray", "stan"}
    assert set(recipients(order, "3")) == {"ray", "stan", "mona"}
    assert sla_events(order) == [(EventKind.SLA_WARNING, level) for level in ("1", "2", "3")]


def test_an_order_with_no_assignee_warns_the_supervisor_from_level_one(grid, crew):
    order = repair(grid, None)
    escalation.sweep(now=LEVEL_1)
    assert set(recipients(order, "1")) == {"stan"}


def test_a_late_sweep_jumps_straight_to_the_breach_and_tells_everyone_once(grid, crew):
    order = repair(grid, crew["ray"])
    now = DUE + timedelta(minutes=7)
    assert escalation.sweep(now=now) == 1
    assert sla_events(order) == [(EventKind.SLA_BREACH, "breached")]
    clock = order.clocks.get()
    assert (clock.warning_level, clock.breached_at, clock.alert_at, clock.state) == (3, now, None, ClockState.RUNNING)
    assert set(recipients(order, "breach")) == {"ray", "stan", "mona"}
    templates = Notification.objects.filter(order=order, dedupe_key__startswith="clock:").values_list("template")
    assert set(templates) == {("sla_breach",)}


def test_a_sweep_that_missed_two_levels_announces_only_the_highest(grid, crew):
    order = repair(grid, crew["ray"])
    escalation.sweep(now=LEVEL_3 + timedelta(seconds=5))
    assert sla_events(order) == [(EventKind.SLA_WARNING, "3")]
    assert not Notification.objects.filter(order=order, dedupe_key__contains=":level:1:").exists()


def test_the_breach_is_raised_only_once_the_due_time_has_passed(grid, crew):
    order = repair(grid, crew["ray"])
    escalation.sweep(now=LEVEL_3)
    assert escalation.sweep(now=DUE) == 0
    assert escalation.sweep(now=DUE + timedelta(microseconds=1)) == 1
    assert sla_events(order)[-1] == (EventKind.SLA_BREACH, "breached")


def test_a_second_sweep_does_nothing(grid, crew):
    order = repair(grid, crew["ray"])
    escalation.sweep(now=LEVEL_2)
    events, messages = TimelineEvent.objects.count(), Notification.objects.count()
    assert messages > 0
    assert escalation.sweep(now=LEVEL_2) == 0
    assert escalation.sweep(now=LEVEL_2 + timedelta(seconds=30)) == 0
    assert (TimelineEvent.objects.count(), Notification.objects.count()) == (events, messages)
    assert sla_events(order) == [(EventKind.SLA_WARNING, "2")]


def test_a_message_already_in_the_outbox_is_not_made_again(grid, crew):
    # The dedupe keys are the second guard: a row left by an earlier attempt at the same level stays the only one.
    order = repair(grid, crew["ray"])
    clock = order.clocks.get()
    key = f"clock:{clock.pk}:level:1:{crew['ray'].pk}:sms"
    Notification.objects.create(
        recipient=crew["ray"], channel="sms", template="sla_warning", dedupe_key=key, created_at=T0, order=order
    )
    escalation.sweep(now=LEVEL_1)
    assert Notification.objects.filter(dedupe_key=key).count() == 1
    assert recipients(order, "1") == {"ray": {"inbox", "email", "sms"}}


def test_paused_and_stopped_clocks_are_not_swept(grid, crew):
    paused, stopped = repair(grid, crew["ray"]), repair(grid, crew["ray"])
    pause_clock(paused, "arrival", by=None, at=T0 + timedelta(minutes=5))
    stop_clock(stopped, "arrival", at=T0 + timedelta(minutes=5))
    assert escalation.sweep(now=DUE + timedelta(hours=1)) == 0
    assert sla_events(paused) == sla_events(stopped) == []


def test_a_working_day_clock_is_warned_at_half_its_working_time(alice, crew):
    account = alice.linked_accounts.get()
    new = NewOrder(
        kind=SERVICE_APPLICATION,
        channel=Channel.COUNTER,
        description="Calibrate my meter",
        sub_type="meter_calibration",
        account_id=account.pk,
    )
    order = assign(open_order(new, by=None), crew["ray"], by=None)
    start_clock(order, "resolution", at=datetime(2026, 11, 16, 10, tzinfo=SHANGHAI))  # half: Thu Nov 19 noon
    assert escalation.sweep(now=datetime(2026, 11, 19, 11, 59, tzinfo=SHANGHAI)) == 0
    assert escalation.sweep(now=datetime(2026, 11, 19, 12, tzinfo=SHANGHAI)) == 1
    # 75 % leaves 1.25 days: Friday 18:00; the weekend counts nothing.
    assert order.clocks.get().alert_at == datetime(2026, 11, 20, 18, tzinfo=SHANGHAI)


def test_the_beat_task_sweeps_at_the_current_time(grid, crew):
    order = repair(grid, crew["ray"])
    with time_machine.travel(LEVEL_2, tick=False):
        assert sweep_sla_clocks() == 1
    assert sla_events(order) == [(EventKind.SLA_WARNING, "2")]


def test_many_crossing_clocks_are_taken_in_batches_each_once(crew):
    clocks = open_clocks(7, started_at=T0, assignee=crew["ray"])
    assert escalation.sweep(now=LEVEL_1, batch_size=3) == 7
    assert TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING).count() == 7
    assert Notification.objects.filter(recipient=crew["ray"], template="sla_warning").count() == 7 * 3
    assert set(Clock.objects.filter(pk__in=[c.pk for c in clocks]).values_list("warning_level", flat=True)) == {1}


# --- A fixed number of queries -------------------------------------------------------------------------


def queries_of_sweep(now: datetime) -> tuple[int, int]:
    """How many clocks crossed, and in how many queries (savepoints aside: the test's transaction adds them)."""
    with CaptureQueriesContext(connection) as context:
        crossed = escalation.sweep(now=now)
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return crossed, len(statements)


@pytest.fixture
def cary(station) -> User:
    """A crew member reached only in the inbox: one message a warning keeps SQLite's bulk inserts in one
    statement (it splits them past 999 parameters; PostgreSQL never does)."""
    return StaffFactory(username="cary", role=Role.REPAIR_CREW, department=station)


def retire_all_clocks() -> None:
    Clock.objects.update(state=ClockState.MET, alert_at=None)


def test_the_sweeps_query_count_does_not_grow_with_the_number_crossing(cary):
    open_clocks(5, started_at=T0, assignee=cary)
    crossed_few, queries_few = queries_of_sweep(LEVEL_1)
    retire_all_clocks()
    open_clocks(50, started_at=T0, assignee=cary)
    crossed_many, queries_many = queries_of_sweep(LEVEL_1)
    assert (crossed_few, crossed_many) == (5, 50)
    assert queries_few == queries_many


def test_the_sweeps_query_count_does_not_grow_with_the_number_of_open_clocks(cary):
    later = T0 + timedelta(days=1)
    open_clocks(5, started_at=T0, assignee=cary)
    open_clocks(5, started_at=later, assignee=cary)
    crossed_few, queries_few = queries_of_sweep(LEVEL_1)
    retire_all_clocks()
    open_clocks(5, started_at=T0, assignee=cary)
    open_clocks(195, started_at=later, assignee=cary)
    crossed_many, queries_many = queries_of_sweep(LEVEL_1)
    assert (crossed_few, crossed_many) == (5, 5)
    assert queries_few == queries_many


def test_a_sweep_with_nothing_to_do_is_one_query(cary):
    open_clocks(20, started_at=T0, assignee=cary)
    assert queries_of_sweep(LEVEL_1 - timedelta(seconds=1)) == (0, 1)


# --- Two sweeps at once --------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_announce_each_warning_exactly_once(crew):
    clocks = open_clocks(40, started_at=T0, assignee=crew["ray"])
    start = threading.Barrier(2)
    crossed: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            crossed.append(escalation.sweep(now=LEVEL_2, batch_size=7))
        except BaseException as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(crossed) == 40
    warnings = TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING, order__clocks__in=clocks)
    assert warnings.count() == 40
    assert warnings.values("order").distinct().count() == 40
    # Level 2 reaches ray (inbox, e-mail, SMS) and stan (inbox, e-mail): five messages a clock, no more.
    assert Notification.objects.filter(template="sla_warning").count() == 40 * 5
