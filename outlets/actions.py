"""Every change in the hall queue: issuing tickets, appointments and their check-in, and the counters' work.

Each function takes the actor as `by`, runs in one transaction and locks the row it changes. A ticket's
status moves only through `_move`, which checks outlets.models.queue.TICKET_TRANSITIONS: a refused move
raises TicketTransitionRefused (409 in the API, a message on the page). Other refusals (the outlet is
closed, the slot is full, too early to check in) raise QueueRefused (409); a customer over their daily
allowance gets TicketLimit (429). The kiosk API (outlets.kiosk…) calls issue_ticket, check_in_ticket and
check_in_appointment with source "kiosk".
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, ElectricityAccount, User
from outlets import hours, queue
from outlets.models import (
    TICKET_TRANSITIONS,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Counter,
    Outlet,
    QueueService,
    Ticket,
    TicketNumber,
    TicketSource,
    TicketStatus,
)
from services.actions import TooSoon
from services.models import WorkOrder
from services.sla import WorkingCalendar

CHECK_IN_EARLY = timedelta(minutes=30)


class QueueRefused(Exception):
    """A queue step that the outlet's state does not allow now (closed, not offered, full, too early): 409."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class TicketTransitionRefused(QueueRefused):
    """A ticket status change TICKET_TRANSITIONS does not allow."""

    def __init__(self, ticket: Ticket, to: str) -> None:
        self.ticket, self.to = ticket, to
        super().__init__(
            _("Ticket %(code)s is %(old)s; it cannot become %(new)s.")
            % {"code": ticket.code, "old": ticket.get_status_display(), "new": TicketStatus(to).label}
        )


class TicketLimit(TooSoon):
    """A customer over their daily allowance of tickets or bookings: 429 until tomorrow."""


# --- Issuing -------------------------------------------------------------------------------------------


def _next_number(outlet: Outlet, service: QueueService, day: object) -> int:
    """Take the next number of (outlet, service, day) in one statement: the UPDATE locks the counter row until our
    transaction ends, so concurrent issues queue on it and each adds one to the number the previous one wrote. The
    row exists but for the day's first ticket; only a missing one is created first."""
    quote = connection.ops.quote_name
    last = quote("last")
    sql = (
        f"UPDATE {quote(TicketNumber._meta.db_table)} SET {last} = {last} + 1 "
        f"WHERE {quote('outlet_id')} = %s AND {quote('service_id')} = %s AND {quote('day')} = %s RETURNING {last}"
    )
    params = [outlet.pk, service.pk, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        taken = cursor.fetchone()
        if taken is None:
            TicketNumber.objects.get_or_create(outlet=outlet, service=service, day=day)
            cursor.execute(sql, params)
            taken = cursor.fetchone()
    return taken[0]


def _check_offered(outlet: Outlet, service: QueueService) -> None:
    if not (outlet.is_active and service.is_active and outlet.services.filter(pk=service.pk).exists()):
        raise QueueRefused(_("%(outlet)s does not offer %(service)s.") % {"outlet": outlet, "service": service.name})


def _check_open(outlet: Outlet, at: datetime, *, today_only: bool) -> None:
    periods = hours.periods_on(outlet, timezone.localdate(at), calendar=WorkingCalendar())
    if today_only:
        still_open = any(timezone.localtime(at).time() < closes for _opens, closes in periods)
        if not still_open:
            raise QueueRefused(_("%(outlet)s is closed for the rest of today.") % {"outlet": outlet})
    elif not hours.is_open_at(periods, at):
        raise QueueRefused(_("%(outlet)s is closed now.") % {"outlet": outlet})


def _check_allowance(*, by: User | None, customer: Customer | None, day: object, now: datetime) -> None:
    """At most settings.OUTLETS_TICKETS_PER_CUSTOMER tickets a day per customer (or per signed-in customer)."""
    who = Q(customer=customer) if customer is not None else Q(issued_by=by) if by and by.is_customer else None
    if who is None:
        return
    if (
        Ticket.objects.filter(who, day=day, transferred_from__isnull=True).count()
        >= settings.OUTLETS_TICKETS_PER_CUSTOMER
    ):
        tomorrow = timezone.make_aware(
            datetime.combine(timezone.localdate(now) + timedelta(days=1), datetime.min.time())
        )
        raise TicketLimit(_("You have taken as many tickets as one customer may today."), tomorrow)


def issue_ticket(
    outlet: Outlet,
    service: QueueService,
    *,
    by: User | None,
    source: str,
    customer: Customer | None = None,
    account: ElectricityAccount | None = None,
) -> Ticket:
    """Give a ticket for `service` at `outlet`: waiting at once (kiosk, counter), or pending until the customer
    checks in (remote, valid today). Idempotency is the caller's (services.idempotency.once)."""
    if source == TicketSource.APPOINTMENT:
        raise ValueError("appointment tickets come from check_in_appointment")
    now = timezone.now()
    day = timezone.localdate(now)
    _check_offered(outlet, service)
    _check_open(outlet, now, today_only=source == TicketSource.REMOTE)
    if customer is None and account is not None:
        customer = account.customer
    with transaction.atomic():
        _check_allowance(by=by, customer=customer, day=day, now=now)
        return _create_ticket(outlet, service, day=day, source=source, by=by, customer=customer, account=account)


def _create_ticket(
    outlet: Outlet, service: QueueService, *, day: object, source: str, by: User | None, **extra: object
) -> Ticket:
    now = timezone.now()
    number = _next_number(outlet, service, day)
    waiting = source != TicketSource.REMOTE
    return Ticket.objects.create(
        outlet=outlet,
        service=service,
        day=day,
        number=number,
        code=f"{service.prefix}{number:03d}",
        source=source,
        status=TicketStatus.WAITING if waiting else TicketStatus.PENDING,
        issued_at=now,
        queued_at=now if waiting else None,
        issued_by=by,
        **extra,
    )


def check_in_ticket(ticket: Ticket, *, by: User | None) -> Ticket:
    """Put a remote ticket in the queue when its customer arrives (kiosk or counter); only on its own day."""
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.day != timezone.localdate():
            raise QueueRefused(
                _("Ticket %(code)s was for %(day)s; take a new one.") % {"code": ticket.code, "day": ticket.day}
            )
        _move(ticket, TicketStatus.WAITING)
        ticket.queued_at = timezone.now()
        ticket.save(update_fields=["status", "queued_at"])
    return ticket


def cancel_ticket(ticket: Ticket, *, by: User | None) -> Ticket:
    """Withdraw a ticket that has not been called."""
    with transaction.atomic():
        ticket = _lock(ticket)
        _move(ticket, TicketStatus.CANCELLED)
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
    return ticket


# --- Appointments --------------------------------------------------------------------------------------


def book_appointment(
    slot: AppointmentSlot,
    *,
    by: User,
    customer: Customer | None = None,
    account: ElectricityAccount | None = None,
    phone: str = "",
    note: str = "",
) -> Appointment:
    """Book a place in `slot`, if it has room and has not begun; one live booking per person per slot."""
    now = timezone.now()
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().select_related("outlet", "service").get(pk=slot.pk)
        if slot.starts_at <= now:
            raise QueueRefused(_("This slot has begun; choose a later one."))
        if slot.booked >= slot.capacity:
            raise QueueRefused(_("This slot is full; choose another."))
        _check_offered(slot.outlet, slot.service)
        live = Appointment.objects.filter(booked_by=by, status=AppointmentStatus.BOOKED, slot__ends_at__gt=now)
        if live.count() >= settings.OUTLETS_LIVE_APPOINTMENTS:
            raise TicketLimit(_("You already hold as many appointments as one customer may."), slot.starts_at)
        if live.filter(slot=slot).exists():
            raise QueueRefused(_("You have already booked this slot."))
        slot.booked += 1
        slot.save(update_fields=["booked"])
        return Appointment.objects.create(
            slot=slot,
            reference=secrets.token_hex(4).upper(),
            booked_by=by,
            customer=customer or (account.customer if account else None),
            account=account,
            phone=phone,
            note=note,
            booked_at=now,
        )


def _lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__outlet", "slot__service")
        .get(pk=appointment.pk)
    )


def cancel_appointment(appointment: Appointment, *, by: User | None) -> Appointment:
    """Cancel a booking that has not been checked in, freeing its place in the slot."""
    with transaction.atomic():
        appointment = _lock_appointment(appointment)
        if appointment.status != AppointmentStatus.BOOKED:
            raise QueueRefused(_("Only a booked appointment can be cancelled."))
        appointment.status = AppointmentStatus.CANCELLED
        appointment.save(update_fields=["status"])
        slot = AppointmentSlot.objects.select_for_update().get(pk=appointment.slot_id)
        slot.booked = max(slot.booked - 1, 0)
        slot.save(update_fields=["booked"])
    return appointment


def check_in_appointment(appointment: Appointment, *, by: User | None) -> Ticket:
    """Turn a booking into a ticket, from 30 minutes before its slot until the slot ends; the ticket is called
    ahead of walk-ins from the slot's start (Ticket.due_at). Checking in twice answers the same ticket."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _lock_appointment(appointment)
        slot = appointment.slot
        if appointment.status == AppointmentStatus.CHECKED_IN and appointment.ticket_id:
            return appointment.ticket  # type: ignore[return-value]
        if appointment.status != AppointmentStatus.BOOKED:
            raise QueueRefused(_("This appointment is %(status)s.") % {"status": appointment.get_status_display()})
        if now < slot.starts_at - CHECK_IN_EARLY:
            opens = timezone.localtime(slot.starts_at - CHECK_IN_EARLY)
            raise QueueRefused(_("Too early: check in from %(time)s.") % {"time": f"{opens:%H:%M}"})
        if now >= slot.ends_at:
            raise QueueRefused(_("This appointment's time has passed; take a ticket instead."))
        ticket = _create_ticket(
            slot.outlet,
            slot.service,
            day=timezone.localdate(now),
            source=TicketSource.APPOINTMENT,
            by=by,
            customer=appointment.customer,
            account=appointment.account,
            due_at=slot.starts_at,
        )
        appointment.status, appointment.ticket = AppointmentStatus.CHECKED_IN, ticket
        appointment.save(update_fields=["status", "ticket"])
    return ticket


def mark_missed_appointments(*, now: datetime | None = None) -> int:
    """Mark bookings whose slot ended without a check-in as missed (a periodic task)."""
    now = now or timezone.now()
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, slot__ends_at__lte=now).update(
        status=AppointmentStatus.MISSED
    )


# --- Counters ------------------------------------------------------------------------------------------


def sign_in_counter(counter: Counter, *, by: User) -> Counter:
    """Sign `by` in to `counter` (leaving any other counter they were signed in to)."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        if counter.staffed_by_id not in (None, by.pk):
            raise QueueRefused(
                _("%(counter)s is staffed by %(name)s.") % {"counter": counter, "name": counter.staffed_by}
            )
        Counter.objects.filter(staffed_by=by).exclude(pk=counter.pk).update(staffed_by=None, signed_in_at=None)
        counter.staffed_by, counter.signed_in_at = by, timezone.now()
        counter.save(update_fields=["staffed_by", "signed_in_at"])
    return counter


def sign_out_counter(counter: Counter, *, by: User) -> Counter:
    """Leave the counter; a ticket still called or being served there must be finished or skipped first."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        if queue.current_ticket(counter) is not None:
            raise QueueRefused(_("Finish or skip the current ticket before you leave the counter."))
        counter.staffed_by, counter.signed_in_at = None, None
        counter.save(update_fields=["staffed_by", "signed_in_at"])
    return counter


def _require_staffed_by(counter: Counter, by: User) -> None:
    if counter.staffed_by_id != by.pk:
        raise QueueRefused(_("Sign in to %(counter)s first.") % {"counter": counter})


def call_next(counter: Counter, *, by: User) -> Ticket | None:
    """Call the next ticket for `counter` (outlets.queue.next_ticket's order), or None if nobody waits."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().select_related("outlet").get(pk=counter.pk)
        _require_staffed_by(counter, by)
        if queue.current_ticket(counter) is not None:
            raise QueueRefused(_("Finish or skip the current ticket before calling the next."))
        ticket = queue.next_ticket(counter, now=timezone.now(), lock=True)
        if ticket is None:
            return None
        _move(ticket, TicketStatus.CALLED)
        ticket.counter, ticket.served_by = counter, by
        ticket.called_at = ticket.announced_at = timezone.now()
        ticket.save(update_fields=["status", "counter", "served_by", "called_at", "announced_at"])
    return ticket


def _counter_step(ticket: Ticket, to: str, *, by: User) -> Ticket:
    ticket = _lock(ticket)
    if ticket.counter_id is None or ticket.counter.staffed_by_id != by.pk:  # type: ignore[union-attr]
        raise QueueRefused(_("Ticket %(code)s is not at your counter.") % {"code": ticket.code})
    _move(ticket, to)
    return ticket


def recall(ticket: Ticket, *, by: User) -> Ticket:
    """Call a called ticket again (the board shows it and chimes once more)."""
    with transaction.atomic():
        ticket = _counter_step(ticket, TicketStatus.CALLED, by=by)
        ticket.recalls += 1
        ticket.announced_at = timezone.now()
        ticket.save(update_fields=["status", "recalls", "announced_at"])
    return ticket


def mark_no_show(ticket: Ticket, *, by: User) -> Ticket:
    """Skip a called customer who did not come."""
    with transaction.atomic():
        ticket = _counter_step(ticket, TicketStatus.NO_SHOW, by=by)
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
    return ticket


def requeue(ticket: Ticket, *, by: User) -> Ticket:
    """Put a skipped customer who came back into the queue again, keeping their number and first wait."""
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.day != timezone.localdate():
            raise QueueRefused(
                _("Ticket %(code)s was for %(day)s; take a new one.") % {"code": ticket.code, "day": ticket.day}
            )
        _move(ticket, TicketStatus.WAITING)
        ticket.counter, ticket.called_at, ticket.finished_at = None, None, None
        ticket.save(update_fields=["status", "counter", "called_at", "finished_at"])
    return ticket


def start_serving(ticket: Ticket, *, by: User) -> Ticket:
    """The called customer has come to the counter."""
    with transaction.atomic():
        ticket = _counter_step(ticket, TicketStatus.SERVING, by=by)
        ticket.started_at, ticket.served_by = timezone.now(), by
        ticket.save(update_fields=["status", "started_at", "served_by"])
    return ticket


def finish_serving(ticket: Ticket, *, by: User, work_orders: list[WorkOrder] | None = None) -> Ticket:
    """The customer is served; link the work orders opened for them."""
    with transaction.atomic():
        ticket = _counter_step(ticket, TicketStatus.DONE, by=by)
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
        if work_orders:
            ticket.work_orders.add(*work_orders)
    return ticket


def link_work_order(ticket: Ticket, order: WorkOrder, *, by: User) -> Ticket:
    """Record that `order` was opened or handled for this ticket's customer."""
    with transaction.atomic():
        ticket = _lock(ticket)
        ticket.work_orders.add(order)
    return ticket


def transfer_ticket(
    ticket: Ticket, *, by: User, service: QueueService | None = None, counter: Counter | None = None
) -> Ticket:
    """Send the customer on to another service or counter: this ticket ends as transferred and a new one with the
    same number waits in the new queue from the original time (they keep their place)."""
    if service is None and counter is None:
        raise QueueRefused(_("Choose the service or counter to transfer to."))
    with transaction.atomic():
        ticket = _counter_step(ticket, TicketStatus.TRANSFERRED, by=by)
        target = service or ticket.service
        if counter is not None and counter.outlet_id != ticket.outlet_id:
            raise QueueRefused(_("That counter is in another outlet."))
        _check_offered(ticket.outlet, target)
        now = timezone.now()
        ticket.finished_at = now
        ticket.started_at = ticket.started_at or now
        ticket.save(update_fields=["status", "finished_at", "started_at"])
        return Ticket.objects.create(
            outlet=ticket.outlet,
            service=target,
            day=ticket.day,
            number=ticket.number,
            code=ticket.code,
            source=ticket.source,
            status=TicketStatus.WAITING,
            issued_at=now,
            queued_at=ticket.queued_at,
            due_at=ticket.due_at,
            for_counter=counter,
            issued_by=by,
            customer=ticket.customer,
            account=ticket.account,
            transferred_from=ticket,
        )


# --- The one place a ticket's status is checked ---------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("counter", "service", "outlet").get(pk=ticket.pk)
    )


def may_move(ticket: Ticket, to: str) -> bool:
    return to in TICKET_TRANSITIONS.get(ticket.status, frozenset())


def _move(ticket: Ticket, to: str) -> None:
    if not may_move(ticket, to):
        raise TicketTransitionRefused(ticket, to)
    ticket.status = to
