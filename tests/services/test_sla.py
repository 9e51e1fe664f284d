"""Policies and clocks: which limit applies, when it is due, pauses, stops, and what a page shows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AreaType, ElectricityAccount
from services.actions import NewOrder, open_order
from services.applications.models import SERVICE_APPLICATION
from services.models import Channel, Clock, ClockState, EventKind, SlaPolicy, SlaUnit, TimelineEvent, WorkOrder
from services.repair.models import FAULT_REPAIR
from services.sla import (
    WorkingCalendar,
    add_working_days,
    clock_status,
    level_time,
    pause_clock,
    policy_for,
    resume_clock,
    start_clock,
    stop_clock,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def fault(grid, *, channel: str = Channel.WEB, by=None) -> WorkOrder:
    new = NewOrder(
        kind=FAULT_REPAIR,
        channel=channel,
        description="No power",
        sub_type="no_power_home",
        grid_id=grid.pk if grid else None,
    )
    return open_order(new, by=by)


def application(sub_type: str, account: ElectricityAccount) -> WorkOrder:
    new = NewOrder(
        kind=SERVICE_APPLICATION,
        channel=Channel.COUNTER,
        description="Please check my meter",
        sub_type=sub_type,
        account_id=account.pk,
        grid_id=account.grid_id,
    )
    return open_order(new, by=None)


@pytest.fixture
def alices_account(alice) -> ElectricityAccount:
    return ElectricityAccount.objects.get(number="3300000001")


# --- The defaults and the choice of policy -------------------------------------------------------------


@pytest.mark.parametrize(
    ("area_type", "clock", "target", "unit"),
    [
        (AreaType.URBAN, "arrival", 45, SlaUnit.MINUTES),
        (AreaType.RURAL, "arrival", 90, SlaUnit.MINUTES),
        (AreaType.REMOTE, "arrival", 120, SlaUnit.MINUTES),
        (AreaType.URBAN, "restoration", 3, SlaUnit.HOURS),
        (AreaType.RURAL, "restoration", 4, SlaUnit.HOURS),
        (AreaType.REMOTE, "restoration", 4, SlaUnit.HOURS),
    ],
)
def test_the_published_fault_repair_limits_are_loaded_by_area_type(grid, area_type, clock, target, unit):
    grid.area_type = area_type
    grid.save(update_fields=["area_type"])
    policy = policy_for(fault(grid), clock, at=local(2026, 11, 20, 10))
    assert (policy.target, policy.unit) == (target, unit)


def test_a_fault_with_no_grid_gets_the_strictest_arrival_limit():
    policy = policy_for(fault(None), "arrival", at=local(2026, 11, 20, 10))
    assert (policy.target, policy.unit) == (45, SlaUnit.MINUTES)


@pytest.mark.parametrize(
    ("sub_type", "target", "unit"),
    [
        ("reconnection", 24, SlaUnit.HOURS),
        ("appliance_damage", 24, SlaUnit.HOURS),
        ("meter_abnormality", 4, SlaUnit.WORKING_DAYS),
        ("meter_calibration", 5, SlaUnit.WORKING_DAYS),
        ("reading_abnormality", 6, SlaUnit.WORKING_DAYS),
        ("other", 5, SlaUnit.WORKING_DAYS),
    ],
)
def test_the_published_service_application_limits_are_loaded_by_sub_type(alices_account, sub_type, target, unit):
    policy = policy_for(application(sub_type, alices_account), "resolution", at=local(2026, 11, 20, 10))
    assert (policy.target, policy.unit, policy.warning_levels) == (target, unit, [50, 75, 90])


def test_the_most_specific_policy_wins(grid):
    SlaPolicy.objects.create(
        name="Web reports, urban",
        order_kind=FAULT_REPAIR,
        clock="arrival",
        area_type=AreaType.URBAN,
        channel=Channel.WEB,
        target=30,
        unit=SlaUnit.MINUTES,
        effective_from=date(2020, 1, 1),
    )
    at = local(2026, 11, 20, 10)
    assert policy_for(fault(grid, channel=Channel.WEB), "arrival", at=at).target == 30
    assert policy_for(fault(grid, channel=Channel.HOTLINE), "arrival", at=at).target == 45


def test_of_equally_specific_policies_the_latest_in_force_wins_and_an_expired_one_is_ignored(grid):
    def urban(target: int, effective_from: date, effective_to: date | None = None) -> None:
        SlaPolicy.objects.create(
            name=f"{target}",
            order_kind=FAULT_REPAIR,
            clock="arrival",
            area_type=AreaType.URBAN,
            target=target,
            unit=SlaUnit.MINUTES,
            effective_from=effective_from,
            effective_to=effective_to,
        )

    urban(40, date(2026, 6, 1))
    urban(35, date(2026, 12, 1))
    urban(20, date(2026, 7, 1), effective_to=date(2026, 8, 31))
    order = fault(grid)
    assert policy_for(order, "arrival", at=local(2026, 11, 30, 23, 59)).target == 40
    assert policy_for(order, "arrival", at=local(2026, 12, 1, 0, 0)).target == 35
    assert policy_for(order, "arrival", at=local(2026, 8, 31, 23)).target == 20
    assert policy_for(order, "arrival", at=local(2026, 5, 1)).target == 45


def test_no_clock_starts_where_no_policy_matches(grid):
    order = open_order(NewOrder(kind="enquiry", channel=Channel.WEB, description="When?"), by=None)
    assert start_clock(order, "resolution", at=local(2026, 11, 20, 10)) is None
    assert not order.clocks.exists()


# --- Starting clocks -----------------------------------------------------------------------------------


def test_a_minute_limit_runs_across_midnight_and_its_warnings_are_fractions_of_the_wall_clock(grid):
    clock = start_clock(fault(grid), "arrival", at=local(2026, 11, 20, 23, 30))
    assert clock.due_at == local(2026, 11, 21, 0, 15)
    assert clock.alert_at == local(2026, 11, 20, 23, 52, 30)
    assert (clock.target, clock.unit, clock.warning_levels) == (45, SlaUnit.MINUTES, [50, 75, 90])


def test_a_minute_limit_runs_through_a_national_holiday(grid):
    clock = start_clock(fault(grid), "arrival", at=local(2026, 10, 1, 3, 0))
    assert clock.due_at == local(2026, 10, 1, 3, 45)


def test_starting_a_clock_records_it_on_the_timeline(grid):
    order = fault(grid)
    start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    event = order.events.get(kind=EventKind.CLOCK_STARTED)
    assert (event.old_value, event.new_value, event.at) == ("arrival", "running", local(2026, 11, 20, 10))
    assert "2026-11-20 10:45" in event.note


def test_starting_a_clock_that_already_runs_returns_it_unchanged(grid):
    order = fault(grid)
    first = start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    again = start_clock(order, "arrival", at=local(2026, 11, 20, 10, 5))
    assert again.pk == first.pk
    assert again.due_at == local(2026, 11, 20, 10, 45)
    assert order.events.filter(kind=EventKind.CLOCK_STARTED).count() == 1


def test_a_working_day_clock_filed_before_national_day_gets_the_right_due_date(alices_account):
    clock = start_clock(application("meter_calibration", alices_account), "resolution", at=local(2026, 9, 30, 16))
    assert clock.due_at == local(2026, 10, 14)


def test_a_working_day_clocks_warnings_count_working_time_only(alices_account):
    # Accepted Mon Nov 16; 5 WD are Nov 17, 18, 19, 20 and 23, due Tue Nov 24 00:00. Half is 2.5 days of
    # working time: noon on Thursday. 75 % leaves 1.25 days: Friday 18:00. 90 % leaves 0.5: Monday noon.
    order = application("meter_calibration", alices_account)
    clock = start_clock(order, "resolution", at=local(2026, 11, 16, 10))
    assert clock.due_at == local(2026, 11, 24)
    assert clock.alert_at == local(2026, 11, 19, 12)
    calendar = WorkingCalendar()
    assert level_time(clock, 75, calendar) == local(2026, 11, 20, 18)
    assert level_time(clock, 90, calendar) == local(2026, 11, 23, 12)


def test_a_policy_changed_after_a_clock_started_does_not_move_it(grid):
    order = fault(grid)
    clock = start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    SlaPolicy.objects.filter(pk=clock.policy_id).update(target=10, warning_levels=[80])
    clock.refresh_from_db()
    assert (clock.target, clock.warning_levels, clock.due_at) == (45, [50, 75, 90], local(2026, 11, 20, 10, 45))
    later = start_clock(fault(grid), "arrival", at=local(2026, 11, 20, 10))
    assert later.due_at == local(2026, 11, 20, 10, 10)


# --- Pauses --------------------------------------------------------------------------------------------


def test_an_hour_clock_resumes_with_its_due_time_moved_by_the_wall_clock_pause(alices_account):
    order = application("appliance_damage", alices_account)
    start_clock(order, "resolution", at=local(2026, 11, 16, 10))
    paused = pause_clock(order, "resolution", by=None, note="Photos of the damage", at=local(2026, 11, 16, 12))
    assert (paused.state, paused.paused_at, paused.alert_at) == (ClockState.PAUSED, local(2026, 11, 16, 12), None)
    clock = resume_clock(order, "resolution", by=None, at=local(2026, 11, 17, 12))
    assert clock.state == ClockState.RUNNING
    assert clock.due_at == local(2026, 11, 18, 10)
    assert clock.alert_at == local(2026, 11, 17, 22)
    kinds = list(order.events.filter(kind__startswith="clock_").values_list("kind", flat=True))
    assert kinds == [EventKind.CLOCK_STARTED, EventKind.CLOCK_PAUSED, EventKind.CLOCK_RESUMED]


def test_a_working_day_clock_resumes_with_its_due_time_moved_by_the_working_time_of_the_pause(alices_account):
    # Paused Tue Nov 17 12:00 to Mon Nov 23 12:00: 12 h + Wed, Thu, Fri + 12 h = 4 days of working time.
    order = application("meter_calibration", alices_account)
    start_clock(order, "resolution", at=local(2026, 11, 16, 10))
    pause_clock(order, "resolution", by=None, at=local(2026, 11, 17, 12))
    clock = resume_clock(order, "resolution", by=None, at=local(2026, 11, 23, 12))
    # Due Tue Nov 24 00:00 moves on by Nov 24, 25, 26, 27: Saturday Nov 28 00:00.
    assert clock.due_at == local(2026, 11, 28)


def test_a_working_day_pause_over_national_day_gives_back_only_the_working_time(alices_account):
    order = application("meter_calibration", alices_account)
    start_clock(order, "resolution", at=local(2026, 9, 28, 10))  # WD: Sep 29, 30, Oct 8, 9, 10 → Oct 11 00:00
    pause_clock(order, "resolution", by=None, at=local(2026, 9, 30, 18))
    clock = resume_clock(order, "resolution", by=None, at=local(2026, 10, 8, 9))
    # 6 h on Sep 30 and 9 h on Oct 8: 15 h added after Sat Oct 10 (Sun Oct 11 off) → Mon Oct 12 15:00.
    assert clock.due_at == local(2026, 10, 12, 15)


def test_a_pause_on_the_acceptance_day_gives_back_nothing_for_a_working_day_clock(alices_account):
    order = application("meter_calibration", alices_account)
    start_clock(order, "resolution", at=local(2026, 11, 16, 10))
    pause_clock(order, "resolution", by=None, at=local(2026, 11, 16, 11))
    clock = resume_clock(order, "resolution", by=None, at=local(2026, 11, 16, 15))
    assert clock.due_at == local(2026, 11, 24)


def test_pausing_a_clock_that_is_not_running_does_nothing(grid):
    order = fault(grid)
    assert pause_clock(order, "arrival", by=None) is None
    assert resume_clock(order, "arrival", by=None) is None
    assert stop_clock(order, "arrival") is None


# --- Stops ---------------------------------------------------------------------------------------------


def test_a_clock_stopped_at_its_due_time_is_met(grid):
    order = fault(grid)
    start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    clock = stop_clock(order, "arrival", at=local(2026, 11, 20, 10, 45))
    assert (clock.state, clock.stopped_at, clock.alert_at, clock.breached_at) == (
        ClockState.MET,
        local(2026, 11, 20, 10, 45),
        None,
        None,
    )
    event = order.events.get(kind=EventKind.CLOCK_STOPPED)
    assert (event.old_value, event.new_value) == ("arrival", "met")


def test_a_clock_stopped_after_its_due_time_is_breached(grid):
    order = fault(grid)
    start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    late = local(2026, 11, 20, 10, 45) + timedelta(microseconds=1)
    clock = stop_clock(order, "arrival", at=late)
    assert (clock.state, clock.breached_at) == (ClockState.BREACHED, late)


def test_a_paused_clock_stopped_later_is_not_charged_for_its_pause(alices_account):
    order = application("appliance_damage", alices_account)
    start_clock(order, "resolution", at=local(2026, 11, 16, 10))
    pause_clock(order, "resolution", by=None, at=local(2026, 11, 16, 11))
    clock = stop_clock(order, "resolution", at=local(2026, 11, 20, 10))
    assert clock.state == ClockState.MET
    assert clock.due_at == local(2026, 11, 21, 9)


def test_a_stopped_clock_can_be_started_again(grid):
    order = fault(grid)
    start_clock(order, "restoration", at=local(2026, 11, 20, 10))
    stop_clock(order, "restoration", at=local(2026, 11, 20, 11))
    again = start_clock(order, "restoration", at=local(2026, 11, 20, 12))
    assert again.due_at == local(2026, 11, 20, 15)
    assert Clock.objects.filter(order=order, name="restoration").count() == 2


# --- What pages show -----------------------------------------------------------------------------------


def test_the_status_of_a_clock_says_on_track_warning_breached_paused_or_met(grid):
    order = fault(grid)
    clock = start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    status = clock_status(clock, local(2026, 11, 20, 10, 15))
    assert (status.state, status.state_label, status.remaining_seconds) == ("on_track", "On track", 30 * 60)
    assert status.label == "Arrival on site"
    clock.warning_level = 2
    assert clock_status(clock, local(2026, 11, 20, 10, 40)).state_label == "Warning level 2"
    late = clock_status(clock, local(2026, 11, 20, 10, 50))
    assert (late.state, late.is_breached, late.remaining_seconds) == ("breached", True, -5 * 60)
    paused = pause_clock(order, "arrival", by=None, at=local(2026, 11, 20, 10, 20))
    status = clock_status(paused, local(2026, 11, 20, 12))
    assert (status.state, status.remaining_seconds, status.is_breached) == ("paused", 25 * 60, False)
    met = stop_clock(order, "arrival", at=local(2026, 11, 20, 10, 30))
    assert clock_status(met, local(2026, 11, 20, 12)).state == "met"


def test_clock_status_needs_no_query(grid, django_assert_num_queries):
    clock = start_clock(fault(grid), "arrival", at=local(2026, 11, 20, 10))
    with django_assert_num_queries(0):
        clock_status(clock, local(2026, 11, 20, 10, 15))


def test_only_the_clock_events_are_written_by_the_clocks(grid):
    order = fault(grid)
    before = TimelineEvent.objects.filter(order=order).count()
    start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    stop_clock(order, "arrival", at=local(2026, 11, 20, 10, 30))
    assert TimelineEvent.objects.filter(order=order).count() == before + 2


# --- The admin: policies and the calendar are edited there; orders and clocks only shown -----------------


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def policy_form(**changes: object) -> dict[str, object]:
    data = {
        "name": "Web reports, urban",
        "order_kind": FAULT_REPAIR,
        "sub_type": "",
        "clock": "arrival",
        "customer_class": "",
        "area_type": AreaType.URBAN,
        "channel": Channel.WEB,
        "target": 30,
        "unit": SlaUnit.MINUTES,
        "warning_levels": "[50, 80]",
        "effective_from": "2026-12-01",
        "effective_to": "",
        "source": "Board decision",
    }
    return {**data, **changes}


def test_an_administrator_adds_a_policy_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:services_slapolicy_add"), policy_form())
    assert response.status_code == 302
    assert SlaPolicy.objects.get(name="Web reports, urban").warning_levels == [50, 80]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"warning_levels": "[80, 50]"}, "warning_levels"),
        ({"warning_levels": "[50, 100]"}, "warning_levels"),
        ({"warning_levels": '{"a": 1}'}, "warning_levels"),
        ({"effective_to": "2026-11-30"}, "effective_to"),
        ({"target": 0}, "target"),
    ],
)
def test_the_admin_refuses_a_policy_that_cannot_work(admin_client, changes, field):
    response = admin_client.post(reverse("admin:services_slapolicy_add"), policy_form(**changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not SlaPolicy.objects.filter(name="Web reports, urban").exists()


def test_an_administrator_adds_an_extra_day_off(admin_client):
    response = admin_client.post(
        reverse("admin:services_calendarexception_add"),
        {"day": "2026-11-23", "is_working_day": "", "note": "Typhoon"},
    )
    assert response.status_code == 302
    assert add_working_days(local(2026, 11, 20, 15), 1) == local(2026, 11, 25)


def test_a_work_order_is_shown_in_the_admin_with_its_clocks_and_timeline_but_cannot_be_changed(admin_client, grid):
    order = fault(grid)
    start_clock(order, "arrival", at=local(2026, 11, 20, 10))
    url = reverse("admin:services_workorder_change", args=[order.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Time limit started" in response.text  # the timeline inline
    assert "Minutes, around the clock" in response.text  # the clock inline
    assert 'name="status"' not in response.text
    assert admin_client.post(url, {"status": "closed"}).status_code == 403
    order.refresh_from_db()
    assert order.status == "new"


@pytest.mark.parametrize(
    "model",
    [
        "workorder",
        "slapolicy",
        "calendarexception",
        "routingrule",
        "outageevent",
        "notification",
        "returnvisit",
    ],
)
def test_every_services_admin_list_opens(admin_client, model):
    assert admin_client.get(reverse(f"admin:services_{model}_changelist")).status_code == 200
