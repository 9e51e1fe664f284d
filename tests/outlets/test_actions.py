"""The queue's actions: issuing, appointments, and the counter's moves with what they must refuse."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from outlets import actions
from outlets.models import AppointmentSlot, AppointmentStatus, Ticket, TicketSource, TicketStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wednesday_morning")]


def test_tickets_are_numbered_per_service_with_its_prefix(hall, payment, connection_service, charlie):
    first = actions.issue_ticket(hall, payment, by=charlie, source=TicketSource.COUNTER)
    second = actions.issue_ticket(hall, payment, by=charlie, source=TicketSource.KIOSK)
    other = actions.issue_ticket(hall, connection_service, by=charlie, source=TicketSource.KIOSK)
    assert [first.code, second.code, other.code] == ["A001", "A002", "B001"]
    assert first.status == TicketStatus.WAITING and first.queued_at == timezone.now()


def test_numbering_starts_again_each_day(hall, payment, charlie):
    actions.issue_ticket(hall, payment, by=charlie, source=TicketSource.KIOSK)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert actions.issue_ticket(hall, payment, by=charlie, source=TicketSource.KIOSK).code == "A001"


def test_a_remote_ticket_waits_only_after_check_in(hall, payment, alice, counter1, charlie):
    ticket = actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    assert ticket.status == TicketStatus.PENDING and ticket.queued_at is None
    actions.sign_in_counter(counter1, by=charlie)
    assert actions.call_next(counter1, by=charlie) is None
    actions.check_in_ticket(ticket, by=None)
    assert actions.call_next(counter1, by=charlie).pk == ticket.pk


def test_a_remote_ticket_from_yesterday_cannot_be_checked_in(hall, payment, alice):
    ticket = actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False), pytest.raises(actions.QueueRefused):
        actions.check_in_ticket(ticket, by=None)


def test_no_ticket_when_the_outlet_is_closed_or_does_not_offer_the_service(
    hall, point, payment, connection_service, alice
):
    with time_machine.travel("2026-11-18 18:00:00+08:00", tick=False), pytest.raises(actions.QueueRefused):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    with pytest.raises(actions.QueueRefused):
        actions.issue_ticket(point, connection_service, by=None, source=TicketSource.KIOSK)


def test_a_customer_may_take_only_so_many_tickets_a_day(hall, payment, alice, settings):
    settings.OUTLETS_TICKETS_PER_CUSTOMER = 2
    for _ in range(2):
        actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    with pytest.raises(actions.TicketLimit):
        actions.issue_ticket(hall, payment, by=alice, source=TicketSource.REMOTE)
    assert Ticket.objects.count() == 2


def test_the_counter_calls_higher_priority_first_then_the_longest_waiting(
    hall, payment, connection_service, counter1, charlie
):
    a1 = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        b1 = actions.issue_ticket(hall, connection_service, by=None, source=TicketSource.KIOSK)
        actions.sign_in_counter(counter1, by=charlie)
        assert actions.call_next(counter1, by=charlie).pk == b1.pk
        actions.mark_no_show(b1, by=charlie)
        assert actions.call_next(counter1, by=charlie).pk == a1.pk


def test_a_long_wait_overtakes_priority(hall, payment, connection_service, counter1, charlie, settings):
    a1 = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    later = timezone.now() + settings.OUTLETS_AGE_BEFORE_PRIORITY + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        actions.issue_ticket(hall, connection_service, by=None, source=TicketSource.KIOSK)
        actions.sign_in_counter(counter1, by=charlie)
        assert actions.call_next(counter1, by=charlie).pk == a1.pk


def test_a_counter_calls_only_its_services(hall, connection_service, counter2, dora):
    actions.issue_ticket(hall, connection_service, by=None, source=TicketSource.KIOSK)
    actions.sign_in_counter(counter2, by=dora)
    assert actions.call_next(counter2, by=dora) is None


def test_serving_moves_through_called_serving_done_and_links_orders(hall, payment, counter1, charlie, alice):
    from tests.factories import WorkOrderFactory

    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    actions.sign_in_counter(counter1, by=charlie)
    actions.call_next(counter1, by=charlie)
    actions.recall(ticket, by=charlie)
    actions.start_serving(ticket, by=charlie)
    order = WorkOrderFactory()
    done = actions.finish_serving(ticket, by=charlie, work_orders=[order])
    assert done.status == TicketStatus.DONE and done.recalls == 1 and done.served_by == charlie
    assert list(done.work_orders.all()) == [order]


def test_the_counter_refuses_moves_out_of_turn(hall, payment, counter1, charlie):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    actions.sign_in_counter(counter1, by=charlie)
    with pytest.raises(actions.QueueRefused):  # not called to this counter yet
        actions.start_serving(ticket, by=charlie)
    actions.call_next(counter1, by=charlie)
    with pytest.raises(actions.TicketTransitionRefused):
        actions.finish_serving(ticket, by=charlie)
    with pytest.raises(actions.QueueRefused):  # one ticket at a time
        actions.call_next(counter1, by=charlie)
    actions.start_serving(ticket, by=charlie)
    for refused in (actions.recall, actions.mark_no_show):
        with pytest.raises(actions.TicketTransitionRefused):
            refused(ticket, by=charlie)
    actions.finish_serving(ticket, by=charlie)
    with pytest.raises(actions.TicketTransitionRefused):
        actions.finish_serving(ticket, by=charlie)


def test_only_the_clerk_at_the_counter_may_call_or_serve(hall, payment, counter1, charlie, dora):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    with pytest.raises(actions.QueueRefused):
        actions.call_next(counter1, by=dora)
    actions.sign_in_counter(counter1, by=charlie)
    with pytest.raises(actions.QueueRefused):
        actions.sign_in_counter(counter1, by=dora)
    actions.call_next(counter1, by=charlie)
    with pytest.raises(actions.QueueRefused):
        actions.start_serving(ticket, by=dora)


def test_a_transfer_keeps_the_number_and_the_original_wait(
    hall, payment, connection_service, counter1, counter2, charlie, dora
):
    ticket = actions.issue_ticket(hall, connection_service, by=None, source=TicketSource.KIOSK)
    actions.sign_in_counter(counter1, by=charlie)
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
        actions.call_next(counter1, by=charlie)
        actions.start_serving(ticket, by=charlie)
        moved = actions.transfer_ticket(ticket, by=charlie, service=payment, counter=counter2)
        assert (moved.code, moved.status, moved.queued_at) == ("B001", TicketStatus.WAITING, ticket.queued_at)
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.TRANSFERRED
        actions.sign_in_counter(counter2, by=dora)
        assert actions.call_next(counter2, by=dora).pk == moved.pk  # ahead of A001, which came later


def test_a_no_show_may_rejoin_the_queue(hall, payment, counter1, charlie):
    ticket = actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK)
    actions.sign_in_counter(counter1, by=charlie)
    actions.call_next(counter1, by=charlie)
    actions.mark_no_show(ticket, by=charlie)
    actions.requeue(ticket, by=charlie)
    assert actions.call_next(counter1, by=charlie).pk == ticket.pk


def _slot(hall, service, starts_in: timedelta, capacity: int = 1) -> AppointmentSlot:
    starts = timezone.now() + starts_in
    return AppointmentSlot.objects.create(
        outlet=hall, service=service, starts_at=starts, ends_at=starts + timedelta(minutes=30), capacity=capacity
    )


def test_a_slot_takes_no_more_than_its_capacity(hall, payment, alice, bob):
    slot = _slot(hall, payment, timedelta(hours=1))
    actions.book_appointment(slot, by=alice)
    with pytest.raises(actions.QueueRefused):
        actions.book_appointment(slot, by=bob)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_cancelled_booking_frees_its_place(hall, payment, alice, bob):
    slot = _slot(hall, payment, timedelta(hours=1))
    actions.cancel_appointment(actions.book_appointment(slot, by=alice), by=alice)
    assert actions.book_appointment(slot, by=bob).status == AppointmentStatus.BOOKED


def test_check_in_opens_thirty_minutes_before_the_slot(hall, payment, alice):
    appointment = actions.book_appointment(_slot(hall, payment, timedelta(minutes=31)), by=alice)
    with pytest.raises(actions.QueueRefused):
        actions.check_in_appointment(appointment, by=None)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        ticket = actions.check_in_appointment(appointment, by=None)
    assert ticket.source == TicketSource.APPOINTMENT and ticket.code == "A001"
    assert actions.check_in_appointment(appointment, by=None).pk == ticket.pk  # a second tap, the same ticket


def test_check_in_after_the_slot_ended_is_refused(hall, payment, alice):
    appointment = actions.book_appointment(_slot(hall, payment, timedelta(minutes=10)), by=alice)
    with time_machine.travel(timezone.now() + timedelta(minutes=41), tick=False), pytest.raises(actions.QueueRefused):
        actions.check_in_appointment(appointment, by=None)


def test_an_appointment_is_called_ahead_of_walk_ins_at_its_time(
    hall, payment, connection_service, counter1, charlie, alice
):
    appointment = actions.book_appointment(_slot(hall, payment, timedelta(minutes=20)), by=alice)
    walk_in = actions.issue_ticket(hall, connection_service, by=None, source=TicketSource.KIOSK)
    booked = actions.check_in_appointment(appointment, by=None)
    actions.sign_in_counter(counter1, by=charlie)
    assert actions.call_next(counter1, by=charlie).pk == walk_in.pk  # before its slot: no precedence
    actions.mark_no_show(walk_in, by=charlie)
    actions.requeue(walk_in, by=charlie)
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        assert actions.call_next(counter1, by=charlie).pk == booked.pk
