"""Service applications: filing, routing, the resolution clock across holidays, pause and resume, resolve, close."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from services import actions
from services.applications import actions as applications
from services.applications.models import ServiceApplication, ServiceApplicationType
from services.models import Channel, Clock, ClockState, Notification, Priority, Status, TimelineEvent, WorkOrder
from services.repair import actions as repair

SHANGHAI = ZoneInfo("Asia/Shanghai")


def file(user, application_type: str, *, by=None) -> WorkOrder:
    return applications.file_service_application(
        by=by or user,
        channel=Channel.WEB,
        application_type=application_type,
        description="Please look into it",
        account=user.linked_accounts.get(),
    )


def resolution(order: WorkOrder) -> Clock:
    return Clock.objects.get(order=order, name="resolution")


def test_an_application_goes_to_the_grids_customer_manager_who_hears_of_it(alice, grace, station):
    order = file(alice, ServiceApplicationType.METER_ABNORMALITY)

    order.refresh_from_db()
    assert (order.kind, order.sub_type) == ("service_application", ServiceApplicationType.METER_ABNORMALITY)
    assert (order.status, order.department, order.assigned_to) == (Status.ASSIGNED, station, grace)
    assert order.application.application_type == ServiceApplicationType.METER_ABNORMALITY
    assert order.priority == Priority.NORMAL
    assert list(
        Notification.objects.filter(channel="inbox").order_by("pk").values_list("template", "recipient__username")
    ) == [
        ("order_assigned", "grace"),
        ("order_accepted", "alice"),
    ]


def test_counter_staff_file_for_a_customer_who_is_then_told_at_their_login(alice, charlie, grace):
    order = file(alice, ServiceApplicationType.RECONNECTION, by=charlie)

    assert (order.reported_by, order.created_by, order.priority) == (None, charlie, Priority.HIGH)
    assert Notification.objects.filter(template="order_accepted", recipient=alice).exists()


def test_a_customer_cannot_file_for_an_account_that_is_not_theirs(alice, bob, grace):
    with pytest.raises(ValidationError):
        applications.file_service_application(
            by=alice,
            channel=Channel.WEB,
            application_type=ServiceApplicationType.OTHER,
            description="x",
            account=bob.linked_accounts.get(),
        )

    assert not WorkOrder.objects.exists()


def test_a_meter_calibration_filed_the_day_before_national_day_is_due_after_the_holiday_and_the_swapped_saturday(
    alice, grace
):
    # Oct 1-7 2026 are off; Thu 8, Fri 9, Sat 10 (a swapped working day), Mon 12 and Tue 13 are the five days.
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        order = file(alice, ServiceApplicationType.METER_CALIBRATION)

    assert resolution(order).due_at == datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)


def test_a_reconnection_is_due_within_24_hours_around_the_clock(alice, grace):
    filed_at = datetime(2026, 10, 1, 20, 0, tzinfo=SHANGHAI)
    with time_machine.travel(filed_at, tick=False):
        order = file(alice, ServiceApplicationType.RECONNECTION)

    assert resolution(order).due_at == filed_at + timedelta(hours=24)


def test_waiting_for_the_customers_evidence_pauses_the_clock_and_moves_the_due_time(alice, grace):
    filed_at = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(filed_at, tick=False) as clock:
        order = file(alice, ServiceApplicationType.APPLIANCE_DAMAGE)
        assert resolution(order).due_at == filed_at + timedelta(hours=24)
        applications.start_work(order, by=grace)
        clock.shift(timedelta(hours=2))

        order = applications.request_evidence(order, by=grace, note="Photos of the damaged television, please")
        assert order.status == Status.WAITING_CUSTOMER
        assert resolution(order).state == ClockState.PAUSED
        assert ServiceApplication.objects.get(pk=order.pk).evidence_requested_at == filed_at + timedelta(hours=2)
        evidence_asked = Notification.objects.get(template="evidence_requested", recipient=alice, channel="inbox")
        assert evidence_asked.context["note"] == "Photos of the damaged television, please"

        clock.shift(timedelta(hours=30))
        order = applications.receive_evidence(order, by=grace, note="Photos received")
        assert order.status == Status.IN_PROGRESS
        assert ServiceApplication.objects.get(pk=order.pk).evidence_received_at == filed_at + timedelta(hours=32)
        assert (resolution(order).state, resolution(order).due_at) == (
            ClockState.RUNNING,
            filed_at + timedelta(hours=54),
        )

        clock.shift(timedelta(hours=20))  # 52 hours after filing, 22 of them the company's own
        order = applications.resolve(order, by=grace, result="Compensation agreed")

    order.refresh_from_db()
    assert (order.status, order.result) == (Status.RESOLVED, "Compensation agreed")
    assert resolution(order).state == ClockState.MET
    assert Notification.objects.filter(template="order_resolved", recipient=alice).exists()


def test_resolving_after_the_due_time_breaches_the_clock(alice, grace):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False) as clock:
        order = file(alice, ServiceApplicationType.RECONNECTION)
        applications.start_work(order, by=grace)
        clock.shift(timedelta(hours=25))
        applications.resolve(order, by=grace, result="Reconnected")

    assert resolution(order).state == ClockState.BREACHED


def test_a_resolved_application_closes_with_the_rating_link(alice, grace, charlie):
    order = file(alice, ServiceApplicationType.OTHER)
    applications.start_work(order, by=grace)
    applications.resolve(order, by=grace, result="Done")

    order = repair.close_order(order, by=charlie)

    order.refresh_from_db()
    assert (order.status, order.result) == (Status.CLOSED, "Done")
    assert Notification.objects.filter(template="return_visit_link", recipient=alice).exists()


@pytest.mark.parametrize(
    "step",
    [
        lambda order, by: applications.request_evidence(order, by=by, note="x"),
        lambda order, by: applications.receive_evidence(order, by=by),
        lambda order, by: applications.resolve(order, by=by, result="x"),
        lambda order, by: actions.close_order(order, by=by),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(alice, grace, step):
    order = file(alice, ServiceApplicationType.APPLIANCE_DAMAGE)
    events = TimelineEvent.objects.count()
    notifications = Notification.objects.count()
    due_at = resolution(order).due_at

    with pytest.raises(actions.TransitionRefused):
        step(order, grace)

    order.refresh_from_db()
    application = ServiceApplication.objects.get(pk=order.pk)
    assert (order.status, order.result) == (Status.ASSIGNED, "")
    assert (application.evidence_requested_at, application.evidence_received_at) == (None, None)
    assert (resolution(order).state, resolution(order).due_at) == (ClockState.RUNNING, due_at)
    assert (TimelineEvent.objects.count(), Notification.objects.count()) == (events, notifications)


def test_work_cannot_start_again_while_waiting_for_the_customer(alice, grace):
    order = file(alice, ServiceApplicationType.APPLIANCE_DAMAGE)
    applications.start_work(order, by=grace)
    applications.request_evidence(order, by=grace, note="Photos")

    with pytest.raises(actions.TransitionRefused):
        applications.start_work(order, by=grace)

    order.refresh_from_db()
    assert order.status == Status.WAITING_CUSTOMER
    assert resolution(order).state == ClockState.PAUSED
