"""The backbone's actions: transitions checked in one place, chase, assignment and transfer on the timeline."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import DepartmentKind, Role
from services import actions, kinds
from services.applications.models import SERVICE_APPLICATION
from services.models import EventKind, Notification, Priority, Status, TimelineEvent
from services.repair.models import FAULT_REPAIR
from tests.factories import DepartmentFactory, StaffFactory, WorkOrderFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")

KINDS = [FAULT_REPAIR, SERVICE_APPLICATION]
TRANSITIONS = {kind: kinds.get(kind).transitions for kind in KINDS}
STATUSES = [value for value, _label in kinds.status_choices()]
ALLOWED = [(kind, old, new) for kind in KINDS for old, targets in TRANSITIONS[kind].items() for new in sorted(targets)]
REFUSED = [
    (kind, old, new)
    for kind in KINDS
    for old in STATUSES
    for new in STATUSES
    if new not in TRANSITIONS[kind].get(old, set())
]


@pytest.mark.parametrize(("kind", "old", "new"), ALLOWED)
def test_every_allowed_transition_moves_the_order_and_records_it(grid, charlie, kind, old, new):
    order = WorkOrderFactory(kind=kind, status=old, grid=grid)

    order = actions.change_status(order, new, by=charlie, note="why")

    order.refresh_from_db()
    assert order.status == new
    event = order.events.get()
    assert (event.kind, event.old_value, event.new_value, event.note, event.actor) == (
        EventKind.STATUS_CHANGED,
        old,
        new,
        "why",
        charlie,
    )
    assert (order.closed_at is not None) == (new in (Status.CLOSED, Status.CANCELLED))


@pytest.mark.parametrize(("kind", "old", "new"), REFUSED)
def test_every_other_transition_is_refused_and_changes_nothing(grid, charlie, kind, old, new):
    order = WorkOrderFactory(kind=kind, status=old, grid=grid)

    with pytest.raises(actions.TransitionRefused) as refused:
        actions.change_status(order, new, by=charlie)

    order.refresh_from_db()
    assert order.status == old
    assert order.closed_at is None
    assert not TimelineEvent.objects.exists()
    assert refused.value.message.startswith(f"A {order.get_kind_display()} order cannot go from")


def test_a_refused_transition_says_which_move_was_refused(grid, charlie):
    order = WorkOrderFactory(kind=FAULT_REPAIR, status=Status.ASSIGNED, grid=grid)

    with pytest.raises(actions.TransitionRefused) as refused:
        actions.change_status(order, Status.RESOLVED, by=charlie)

    assert refused.value.message == "A Fault repair order cannot go from “Assigned” to “Resolved”."


def test_a_chase_is_recorded_raises_the_priority_and_tells_the_assignee_and_their_supervisor(grid, alice, grace, mona):
    order = WorkOrderFactory(grid=grid, status=Status.ASSIGNED, assigned_to=grace, department=grace.department)

    actions.chase(order, by=alice, note="Still waiting")

    order.refresh_from_db()
    assert order.priority == Priority.HIGH
    kinds = list(order.events.values_list("kind", "old_value", "new_value", "is_public"))
    assert kinds == [(EventKind.CHASE, "", "", True), (EventKind.PRIORITY_CHANGED, "3", "2", False)]
    told = Notification.objects.filter(template="order_chased", channel="inbox")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["grace", "mona"]
    assert told.first().context["note"] == "Still waiting"


def test_chasing_an_urgent_order_records_the_chase_and_keeps_it_urgent(grid, alice):
    order = WorkOrderFactory(grid=grid, priority=Priority.URGENT)

    actions.chase(order, by=alice)

    order.refresh_from_db()
    assert order.priority == Priority.URGENT
    assert list(order.events.values_list("kind", flat=True)) == [EventKind.CHASE]


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED, Status.RESOLVED])
def test_a_closed_or_resolved_order_cannot_be_chased(grid, alice, status):
    order = WorkOrderFactory(grid=grid, status=status, number="2026010100000042")

    with pytest.raises(actions.ChaseRefused) as refused:
        actions.chase(order, by=alice)

    order.refresh_from_db()
    assert order.priority == Priority.NORMAL
    assert not TimelineEvent.objects.exists()
    assert not Notification.objects.exists()
    assert refused.value.message == (
        f"Request 2026010100000042 is {status.label.lower()}; only a request still being worked can be chased."
    )


def test_assigning_a_new_order_makes_it_assigned_and_tells_the_assignee(grid, grace, mona):
    order = WorkOrderFactory(grid=grid)

    actions.assign(order, grace, by=mona, note="Your 台区")

    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.department) == (Status.ASSIGNED, grace, grace.department)
    event = order.events.get()
    assert (event.kind, event.new_value, event.note, event.actor) == (EventKind.ASSIGNED, str(grace), "Your 台区", mona)
    assert list(Notification.objects.values_list("template", "recipient__username")) == [("order_assigned", "grace")]


def test_a_supervisor_reassigns_an_order_in_progress_without_moving_its_status(grid, grace, mona, station):
    other = StaffFactory(role=Role.GRID_MANAGER, department=station)
    order = WorkOrderFactory(grid=grid, status=Status.IN_PROGRESS, assigned_to=grace, department=station)

    actions.assign(order, other, by=mona)

    order.refresh_from_db()
    assert (order.status, order.assigned_to) == (Status.IN_PROGRESS, other)
    event = order.events.get()
    assert (event.old_value, event.new_value) == (str(grace), str(other))


def test_a_transfer_hands_the_order_to_another_department_and_its_manager_hears_of_it(grid, grace, mona, company):
    marketing = DepartmentFactory(kind=DepartmentKind.MARKETING, parent=company, name="营销部")
    boss = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=marketing)
    order = WorkOrderFactory(grid=grid, status=Status.ASSIGNED, assigned_to=grace, department=grace.department)

    actions.transfer(order, marketing, by=mona, note="A tariff question")

    order.refresh_from_db()
    assert (order.department, order.assigned_to, order.status) == (marketing, None, Status.ASSIGNED)
    event = order.events.get()
    assert (event.kind, event.old_value, event.new_value, event.note) == (
        EventKind.TRANSFERRED,
        str(grace.department),
        "营销部",
        "A tariff question",
    )
    told = Notification.objects.filter(template="order_transferred")
    assert set(told.values_list("recipient", flat=True)) == {boss.pk}


def test_a_second_chase_within_the_interval_is_refused_until_it_has_passed(grid, alice, settings):
    settings.CHASE_INTERVAL = timedelta(minutes=60)
    order = WorkOrderFactory(grid=grid, status=Status.ASSIGNED, priority=Priority.LOW)
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        actions.chase(order, by=alice)
    with time_machine.travel(datetime(2026, 6, 1, 9, 59, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(actions.ChaseTooSoon) as too_soon:
            actions.chase(order, by=alice)
        assert too_soon.value.retry_after(timezone.now()) == 61
        assert "after 10:00" in too_soon.value.message
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        actions.chase(order, by=alice)
    order.refresh_from_db()
    assert order.events.filter(kind=EventKind.CHASE).count() == 2
    assert order.priority == Priority.HIGH  # one step per chase that went through, none for the refused one
