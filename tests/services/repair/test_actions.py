"""Fault repair: report, triage, the crew's steps with their clocks, known outages, redispatch, confirm and dispute."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AccountStatus, AreaType, DepartmentKind, ElectricityAccount, Role, Suspension
from services import actions
from services.models import (
    Channel,
    Clock,
    ClockState,
    EventKind,
    Notification,
    Priority,
    Status,
    TimelineEvent,
    WorkOrder,
)
from services.repair import actions as repair
from services.repair.models import FaultReport, FaultType, OutageEvent, OutageKind, RepairStatus, Triage
from tests.factories import DepartmentFactory, ElectricityAccountFactory, StaffFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORTED_AT = datetime(2026, 3, 10, 22, 30, tzinfo=SHANGHAI)  # a Tuesday night: repair clocks never sleep


@pytest.fixture
def repair_team(company):
    return DepartmentFactory(code="C0001-QX", name="城东抢修班", kind=DepartmentKind.OPERATIONS, parent=company)


@pytest.fixture
def li(repair_team):
    return StaffFactory(username="li", full_name="李抢修", role=Role.REPAIR_CREW, department=repair_team)


@pytest.fixture
def wang(repair_team, li):
    return StaffFactory(username="wang", full_name="王抢修", role=Role.REPAIR_CREW, department=repair_team)


@pytest.fixture
def clock():
    with time_machine.travel(REPORTED_AT, tick=False) as traveller:
        yield traveller


def account_of(user) -> ElectricityAccount:
    return user.linked_accounts.get()


def report(user, fault_type: str = FaultType.NO_POWER_HOME) -> WorkOrder:
    return repair.report_fault(
        by=user, channel=Channel.WEB, fault_type=fault_type, description="No power", account=account_of(user)
    )


def clock_of(order: WorkOrder, name: str) -> Clock:
    return Clock.objects.filter(order=order, name=name).latest("pk")


def templates_to(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel="inbox").order_by("pk").values_list("template", flat=True)
    )


def crew_on_site(order: WorkOrder, crew, clock, minutes: int) -> WorkOrder:
    repair.accept_dispatch(order, by=crew)
    clock.shift(timedelta(minutes=5))
    repair.depart(order, by=crew)
    clock.shift(timedelta(minutes=minutes - 5))
    return repair.arrive(order, by=crew)


# --- Report and dispatch ----------------------------------------------------------------------------------


def test_a_customers_report_is_dispatched_to_the_least_loaded_crew_with_its_arrival_clock_running(
    alice, li, wang, repair_team, clock
):
    order = report(alice)

    order.refresh_from_db()
    assert (order.kind, order.sub_type, order.channel) == ("fault_repair", FaultType.NO_POWER_HOME, Channel.WEB)
    assert (order.status, order.assigned_to, order.department) == (Status.ASSIGNED, li, repair_team)
    assert (order.reported_by, order.account, order.grid) == (alice, account_of(alice), account_of(alice).grid)
    assert order.priority == Priority.HIGH
    assert order.fault.triage == Triage.GRID
    arrival = clock_of(order, "arrival")
    assert (arrival.state, arrival.started_at, arrival.due_at) == (
        ClockState.RUNNING,
        REPORTED_AT,
        REPORTED_AT + timedelta(minutes=45),
    )
    assert templates_to(alice) == ["crew_dispatched"]
    assert templates_to(li) == ["order_assigned"]


def test_a_danger_report_is_urgent(alice, li, clock):
    order = report(alice, FaultType.DANGER)

    assert order.priority == Priority.URGENT


def test_a_customer_cannot_report_on_an_account_that_is_not_theirs(alice, bob, li):
    with pytest.raises(ValidationError):
        repair.report_fault(
            by=alice, channel=Channel.WEB, fault_type=FaultType.VOLTAGE, description="x", account=account_of(bob)
        )

    assert not WorkOrder.objects.exists()


def test_staff_enter_a_call_from_someone_with_no_account_who_hears_by_sms(charlie, grid, li, clock):
    order = repair.report_fault(
        by=charlie,
        channel=Channel.HOTLINE,
        fault_type=FaultType.DANGER,
        description="A line is down across the road",
        grid=grid,
        contact_name="路人",
        contact_phone="13800000000",
        location="文三路口",
    )

    assert (order.account, order.reported_by, order.created_by, order.assigned_to) == (None, None, charlie, li)
    sms = Notification.objects.get(template="crew_dispatched")
    assert (sms.recipient, sms.address, sms.channel) == (None, "13800000000", "sms")


def test_staff_cannot_enter_a_report_with_neither_account_nor_grid_location_and_phone(charlie, grid):
    with pytest.raises(ValidationError):
        repair.report_fault(
            by=charlie, channel=Channel.HOTLINE, fault_type=FaultType.DANGER, description="x", grid=grid
        )

    assert not WorkOrder.objects.exists()


def test_with_no_crew_available_the_report_waits_in_the_repair_teams_queue(alice, repair_team, clock):
    StaffFactory(role=Role.REPAIR_CREW, department=repair_team, is_available=False)

    order = report(alice)

    assert (order.status, order.department, order.assigned_to) == (Status.NEW, repair_team, None)
    assert clock_of(order, "arrival").state == ClockState.RUNNING
    assert templates_to(alice) == ["order_accepted"]


# --- The crew's steps and the clocks ----------------------------------------------------------------------


def test_a_repair_from_report_to_close_meets_both_clocks_in_time(alice, li, clock):
    order = report(alice)

    order = crew_on_site(order, li, clock, minutes=30)
    assert clock_of(order, "arrival").state == ClockState.MET
    restoration = clock_of(order, "restoration")
    assert (restoration.state, restoration.due_at) == (ClockState.RUNNING, REPORTED_AT + timedelta(hours=3, minutes=30))

    clock.shift(timedelta(hours=2))
    order = repair.restore(order, by=li, cause="Blown fuse at the meter box")
    assert clock_of(order, "restoration").state == ClockState.MET
    fault = FaultReport.objects.get(pk=order.pk)
    assert (fault.departed_at, fault.arrived_at, fault.restored_at, fault.cause) == (
        REPORTED_AT + timedelta(minutes=5),
        REPORTED_AT + timedelta(minutes=30),
        REPORTED_AT + timedelta(hours=2, minutes=30),
        "Blown fuse at the meter box",
    )

    order = repair.confirm_restoration(order, by=alice)
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.closed_at == REPORTED_AT + timedelta(hours=2, minutes=30)
    assert FaultReport.objects.get(pk=order.pk).customer_confirmed is True
    assert templates_to(alice) == [
        "crew_dispatched",
        "crew_departed",
        "crew_arrived",
        "power_restored",
        "order_closed",
        "return_visit_link",
    ]
    statuses = order.events.filter(kind=EventKind.STATUS_CHANGED).values_list("new_value", flat=True)
    assert list(statuses) == ["accepted", "departed", "arrived", "resolved", "closed"]


def test_a_crew_arriving_after_50_minutes_in_a_city_breaches_arrival(alice, li, clock):
    order = crew_on_site(report(alice), li, clock, minutes=50)

    arrival = clock_of(order, "arrival")
    assert (arrival.state, arrival.breached_at) == (ClockState.BREACHED, REPORTED_AT + timedelta(minutes=50))


def test_50_minutes_is_in_time_in_the_countryside(alice, li, grid, clock):
    grid.area_type = AreaType.RURAL
    grid.save(update_fields=["area_type"])

    order = crew_on_site(report(alice), li, clock, minutes=50)

    assert clock_of(order, "arrival").state == ClockState.MET
    assert clock_of(order, "restoration").due_at == REPORTED_AT + timedelta(minutes=50, hours=4)


def test_restoring_more_than_three_hours_after_arrival_in_a_city_breaches_restoration(alice, li, clock):
    order = crew_on_site(report(alice), li, clock, minutes=30)

    clock.shift(timedelta(hours=3, minutes=1))
    order = repair.restore(order, by=li, cause="Cable fault")

    assert clock_of(order, "arrival").state == ClockState.MET
    assert clock_of(order, "restoration").state == ClockState.BREACHED


def test_staff_close_a_resolved_repair_with_a_result_and_the_customer_gets_the_rating_link(alice, li, charlie, clock):
    order = crew_on_site(report(alice), li, clock, minutes=20)
    order = repair.restore(order, by=li, cause="Fuse")

    order = repair.close_order(order, by=charlie, result="Closed after 3 days without the customer's word")

    order.refresh_from_db()
    assert (order.status, order.result) == (Status.CLOSED, "Closed after 3 days without the customer's word")
    assert FaultReport.objects.get(pk=order.pk).customer_confirmed is None
    assert templates_to(alice)[-2:] == ["order_closed", "return_visit_link"]


@pytest.mark.parametrize(
    "step",
    [
        lambda order, crew: repair.arrive(order, by=crew),
        lambda order, crew: repair.depart(order, by=crew),
        lambda order, crew: repair.restore(order, by=crew, cause="x"),
        lambda order, crew: repair.report_unable(order, by=crew, reason="x"),
        lambda order, crew: repair.confirm_restoration(order, by=crew),
        lambda order, crew: repair.dispute_restoration(order, by=crew, note="x"),
        lambda order, crew: repair.close_order(order, by=crew),
    ],
)
def test_a_crew_step_out_of_order_is_refused_and_changes_nothing(alice, li, clock, step):
    order = report(alice)
    events = TimelineEvent.objects.count()
    notifications = Notification.objects.count()

    with pytest.raises(actions.TransitionRefused):
        step(order, li)

    order.refresh_from_db()
    fault = FaultReport.objects.get(pk=order.pk)
    assert (order.status, order.assigned_to) == (Status.ASSIGNED, li)
    assert (fault.departed_at, fault.arrived_at, fault.restored_at, fault.unable_reason) == (None, None, None, "")
    assert fault.customer_confirmed is None
    assert list(Clock.objects.filter(order=order).values_list("name", "state")) == [("arrival", "running")]
    assert (TimelineEvent.objects.count(), Notification.objects.count()) == (events, notifications)


@pytest.mark.parametrize(
    "step",
    [
        lambda order, crew: repair.restore(order, by=crew, cause="x"),
        lambda order, crew: repair.report_unable(order, by=crew, reason="x"),
        lambda order, crew: repair.dispute_restoration(order, by=crew, note="x"),
    ],
)
def test_a_report_waiting_on_an_outage_follows_the_outage_and_takes_no_crew_step(alice, bob, li, clock, step):
    report(alice, FaultType.NO_POWER_AREA)
    joined = report(bob)

    with pytest.raises(actions.TransitionRefused):
        step(joined, li)

    joined.refresh_from_db()
    assert (joined.status, joined.assigned_to) == (RepairStatus.JOINED_OUTAGE, None)


def test_a_customer_cannot_dispute_while_the_crew_is_still_on_site(alice, li, clock):
    order = crew_on_site(report(alice), li, clock, minutes=20)

    with pytest.raises(actions.TransitionRefused):
        repair.dispute_restoration(order, by=alice, note="Hurry up")

    order.refresh_from_db()
    assert order.status == RepairStatus.ARRIVED


# --- Triage --------------------------------------------------------------------------------------------------


def test_no_power_on_an_account_cut_for_arrears_goes_to_the_customer_manager_with_payment_guidance(
    alice, grace, li, clock
):
    ElectricityAccount.objects.filter(linked_user=alice).update(
        status=AccountStatus.SUSPENDED, suspension=Suspension.ARREARS
    )

    order = report(alice)

    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.fault.triage) == (Status.RESOLVED, grace, Triage.ARREARS)
    assert "reconnected within 24 hours of payment" in order.result
    assert clock_of(order, "arrival").state == ClockState.MET
    assert not Clock.objects.filter(order=order, name="restoration").exists()
    assert templates_to(alice) == ["order_resolved"]
    assert Notification.objects.get(recipient=alice, channel="inbox").context["note"] == order.result
    assert templates_to(li) == []


def test_no_power_on_an_account_suspended_at_the_customers_request_is_not_triaged_as_arrears(alice, li, clock):
    ElectricityAccount.objects.filter(linked_user=alice).update(
        status=AccountStatus.SUSPENDED, suspension=Suspension.REQUEST
    )

    order = report(alice)

    assert (order.status, order.fault.triage) == (Status.ASSIGNED, Triage.GRID)


def test_a_fallen_line_on_an_account_cut_for_arrears_still_gets_a_crew(alice, li, clock):
    ElectricityAccount.objects.filter(linked_user=alice).update(
        status=AccountStatus.SUSPENDED, suspension=Suspension.ARREARS
    )

    order = report(alice, FaultType.DANGER)

    assert (order.status, order.assigned_to) == (Status.ASSIGNED, li)


def test_staff_who_find_the_fault_inside_the_premises_give_guidance_instead_of_a_crew(alice, charlie, grace, li, clock):
    order = repair.report_fault(
        by=charlie,
        channel=Channel.HOTLINE,
        fault_type=FaultType.NO_POWER_HOME,
        description="Neighbours have power; her breaker trips",
        account=account_of(alice),
        inside_premises=True,
    )

    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.fault.triage) == (Status.RESOLVED, grace, Triage.PREMISES)
    assert "paid repair visit" in order.result
    assert clock_of(order, "arrival").state == ClockState.MET


def test_a_customer_cannot_triage_their_own_report_as_inside_the_premises(alice, li, clock):
    order = repair.report_fault(
        by=alice,
        channel=Channel.WEB,
        fault_type=FaultType.NO_POWER_HOME,
        description="x",
        account=account_of(alice),
        inside_premises=True,
    )

    assert (order.status, order.fault.triage) == (Status.ASSIGNED, Triage.GRID)


# --- Outages ---------------------------------------------------------------------------------------------


def test_an_area_outage_is_repaired_once_and_everyone_who_reported_it_hears_of_restoration(alice, bob, li, wang, clock):
    lead = report(alice, FaultType.NO_POWER_AREA)
    outage = OutageEvent.objects.get()
    assert (outage.lead_order, outage.kind, outage.restored_at) == (lead, OutageKind.FAULT, None)

    clock.shift(timedelta(minutes=10))
    joined = report(bob)
    joined.refresh_from_db()
    assert (joined.status, joined.assigned_to, joined.fault.outage) == (RepairStatus.JOINED_OUTAGE, None, outage)
    assert joined.fault.triage == Triage.OUTAGE
    # The area outage's notice told everyone on the 台区 (services.notices), then bob's report joined it.
    assert templates_to(bob) == ["outage_notice", "outage_joined"]
    assert templates_to(wang) == []  # one crew for the outage

    crew_on_site(lead, li, clock, minutes=20)
    assert clock_of(joined, "arrival").state == ClockState.MET
    assert clock_of(joined, "restoration").state == ClockState.RUNNING

    clock.shift(timedelta(hours=1))
    repair.restore(lead, by=li, cause="Transformer fuse")

    outage.refresh_from_db()
    joined.refresh_from_db()
    assert (outage.restored_at, outage.cause) == (REPORTED_AT + timedelta(hours=1, minutes=30), "Transformer fuse")
    assert joined.status == Status.RESOLVED
    assert FaultReport.objects.get(pk=joined.pk).restored_at == outage.restored_at
    assert clock_of(joined, "restoration").state == ClockState.MET
    assert templates_to(bob) == ["outage_notice", "outage_joined", "outage_notice_restored", "power_restored"]
    assert templates_to(alice)[-1] == "power_restored"


def test_a_report_joining_an_outage_whose_crew_is_on_site_stops_its_arrival_at_once(alice, bob, li, clock):
    lead = crew_on_site(report(alice, FaultType.NO_POWER_AREA), li, clock, minutes=30)

    clock.shift(timedelta(minutes=10))
    joined = report(bob)

    assert joined.status == RepairStatus.JOINED_OUTAGE
    assert clock_of(joined, "arrival").stopped_at == REPORTED_AT + timedelta(minutes=40)
    assert clock_of(joined, "restoration").state == ClockState.RUNNING
    assert lead.status == RepairStatus.ARRIVED


def test_a_report_during_a_planned_outage_joins_it_and_needs_no_crew(alice, grid, li, clock):
    outage = OutageEvent.objects.create(grid=grid, kind=OutageKind.PLANNED, started_at=REPORTED_AT - timedelta(hours=1))

    order = report(alice)

    assert (order.status, order.assigned_to) == (RepairStatus.JOINED_OUTAGE, None)
    assert FaultReport.objects.get(pk=order.pk).outage == outage
    assert clock_of(order, "arrival").state == ClockState.MET


def test_a_planned_outage_that_has_not_begun_is_not_a_known_outage(alice, grid, li, clock):
    OutageEvent.objects.create(grid=grid, kind=OutageKind.PLANNED, started_at=REPORTED_AT + timedelta(days=1))

    assert report(alice).status == Status.ASSIGNED


def test_after_the_outage_is_restored_a_new_report_gets_its_own_crew(alice, bob, li, wang, clock):
    lead = crew_on_site(report(alice, FaultType.NO_POWER_AREA), li, clock, minutes=30)
    repair.restore(lead, by=li, cause="Fuse")

    order = report(bob)

    assert order.status == Status.ASSIGNED


def test_a_voltage_complaint_during_an_outage_is_not_folded_into_it(alice, bob, li, wang, clock):
    report(alice, FaultType.NO_POWER_AREA)

    order = report(bob, FaultType.VOLTAGE)

    assert (order.status, order.assigned_to) == (Status.ASSIGNED, wang)


# --- When it does not work out ---------------------------------------------------------------------------


def test_a_crew_that_cannot_complete_hands_the_order_to_another_crew_with_restoration_still_running(
    alice, li, wang, clock
):
    order = crew_on_site(report(alice), li, clock, minutes=30)
    restoration = clock_of(order, "restoration")

    order = repair.report_unable(order, by=li, reason="Needs a bucket truck")

    order.refresh_from_db()
    assert (order.status, order.assigned_to) == (Status.ASSIGNED, wang)
    assert FaultReport.objects.get(pk=order.pk).unable_reason == "Needs a bucket truck"
    event = order.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert (event.old_value, event.new_value, event.note, event.is_public) == (
        "arrived",
        "assigned",
        "Needs a bucket truck",
        False,
    )
    assert templates_to(wang) == ["order_assigned"]

    crew_on_site(order, wang, clock, minutes=40)
    assert clock_of(order, "restoration") == restoration
    assert Clock.objects.filter(order=order, name="restoration").count() == 1


def test_a_crew_that_cannot_complete_with_no_one_else_free_leaves_it_to_the_team_supervisor(
    alice, li, repair_team, clock
):
    order = crew_on_site(report(alice), li, clock, minutes=30)

    order = repair.report_unable(order, by=li, reason="Needs a bucket truck")

    assert (order.status, order.department, order.assigned_to) == (Status.ASSIGNED, repair_team, None)


def test_a_disputed_restoration_sends_a_crew_again_with_a_new_arrival_clock(alice, li, mona, clock):
    order = crew_on_site(report(alice), li, clock, minutes=30)
    order = repair.restore(order, by=li, cause="Fuse")
    clock.shift(timedelta(minutes=15))

    order = repair.dispute_restoration(order, by=alice, note="Still no power in the kitchen")

    order.refresh_from_db()
    assert (order.status, order.assigned_to) == (Status.ASSIGNED, li)
    assert FaultReport.objects.get(pk=order.pk).customer_confirmed is False
    arrivals = Clock.objects.filter(order=order, name="arrival").order_by("pk")
    assert list(arrivals.values_list("state", flat=True)) == [ClockState.MET, ClockState.RUNNING]
    assert arrivals.last().started_at == REPORTED_AT + timedelta(minutes=45)
    disputed = Notification.objects.filter(template="restoration_disputed", channel="inbox")
    assert set(disputed.values_list("recipient__username", flat=True)) >= {"li"}

    order = crew_on_site(order, li, clock, minutes=20)
    assert list(Clock.objects.filter(order=order).values_list("name", "state")) == [
        ("arrival", ClockState.MET),
        ("restoration", ClockState.MET),
        ("arrival", ClockState.MET),
        ("restoration", ClockState.RUNNING),
    ]


def test_an_arrears_triage_the_customer_disputes_goes_to_a_crew(alice, li, clock):
    ElectricityAccount.objects.filter(linked_user=alice).update(
        status=AccountStatus.SUSPENDED, suspension=Suspension.ARREARS
    )
    order = report(alice)

    order = repair.dispute_restoration(order, by=alice, note="I paid yesterday")

    assert (order.status, order.assigned_to) == (Status.ASSIGNED, li)
    assert FaultReport.objects.get(pk=order.pk).triage == Triage.GRID


def test_a_fault_on_a_closed_account_is_refused(grid, li):
    user = UserFactory()
    ElectricityAccountFactory(grid=grid, linked_user=user, linked_at=user.date_joined, status=AccountStatus.CLOSED)

    with pytest.raises(ValidationError):
        report(user)

    assert not WorkOrder.objects.exists()
