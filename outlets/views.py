"""The outlets' pages: the public finder, an outlet's page and its hall screen; customers' tickets and bookings;
the counter desk; statistics and planning for managers. Every change goes through outlets.actions; who may
do what is outlets.permissions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import only_for
from outlets import actions, board, finder, hours, permissions, planning, queue, statistics
from outlets.forms import FinderForm, FinishForm, TransferForm
from outlets.models import (
    Appointment,
    AppointmentSlot,
    Counter,
    Outlet,
    Ticket,
    TicketSource,
    TicketStatus,
)
from outlets.permissions import PLAN_OUTLETS, READ_STATISTICS, TAKE_TICKET, WORK_COUNTER, may
from services import idempotency
from services.sla import WorkingCalendar
from services.views import SUBMISSION, SUBMISSION_FORMAT

PAGE_SIZE = 25
BOOKING_DAYS = 7


def _may(what: str) -> Callable[..., bool]:
    return lambda user: may(user, what)


# --- Public --------------------------------------------------------------------------------------------


def finder_page(request: HttpRequest) -> HttpResponse:
    """Outlets nearest first from the customer's 台区 or a typed area, open now or not, with their queues."""
    form = FinderForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    place = finder.place_of_text(query) if query else finder.place_of_user(request.user)
    found = finder.find(place, kind=kind)
    context = {"form": form, "found": found, "place": place, "query": query, "unplaced": bool(query) and not place}
    return render(request, "outlets/finder.html", context)


def outlet_page(request: HttpRequest, code: str) -> HttpResponse:
    """An outlet: address, this week's hours, its services with their queues, and for customers a ticket or a
    booking."""
    outlet = get_object_or_404(Outlet.objects.active().select_related("department"), code=code)
    today, calendar = timezone.localdate(), WorkingCalendar()
    days = [today + timedelta(days=n) for n in range(7)]
    # The hall's hours and the week's exceptions read once for all seven days, not two queries a day.
    opening = list(outlet.hours.all())
    exceptions = list(outlet.exceptions.filter(day__gte=days[0], day__lte=days[-1]))
    week = [
        (day, hours.periods_on(outlet, day, calendar=calendar, hours=opening, exceptions=exceptions)) for day in days
    ]
    slots = (
        AppointmentSlot.objects.filter(
            outlet=outlet, starts_at__gt=timezone.now(), starts_at__lt=timezone.now() + timedelta(days=BOOKING_DAYS)
        )
        .select_related("service")
        .order_by("starts_at")
    )
    context = {
        "outlet": outlet,
        "week": week,
        "waits": queue.waits(outlet),
        "is_open": hours.is_open_at(week[0][1], timezone.now()),
        "slots": Paginator(slots, PAGE_SIZE).get_page(request.GET.get("page")),
        "may_take": may(request.user, TAKE_TICKET),
        "submission": _token(),
    }
    return render(request, "outlets/outlet.html", context)


def board_page(request: HttpRequest, code: str) -> HttpResponse:
    """The hall screen: what is being called at which counter, and the waits; the live part polls board_live."""
    outlet = get_object_or_404(Outlet.objects.active(), code=code)
    return render(request, "outlets/board.html", {"outlet": outlet, "board": board.state(outlet)})


def board_live(request: HttpRequest, code: str) -> HttpResponse:
    """The board's live fragment, polled every few seconds by the hall screen (a fixed few queries)."""
    outlet = get_object_or_404(Outlet.objects.active(), code=code)
    response = render(request, "outlets/_board_live.html", {"outlet": outlet, "board": board.state(outlet)})
    patch_cache_control(response, no_store=True)
    return response


# --- Customers -----------------------------------------------------------------------------------------


def _refused(request: HttpRequest, refusal: Exception) -> None:
    messages.error(request, getattr(refusal, "message", str(refusal)))


def _once(request: HttpRequest, make: Callable[[], object]) -> object | None:
    """Run `make` once per the form's one-time token (services.idempotency, as the request forms do): a double
    click or a resent form gets None and changes nothing. A post without a valid token simply runs."""
    token = request.POST.get(SUBMISSION, "")
    if not SUBMISSION_FORMAT.fullmatch(token):
        return make()
    key, print_ = f"form:{token}", idempotency.fingerprint(request.path)
    try:
        with idempotency.once(owner=f"user:{request.user.pk}", key=key, fingerprint=print_) as record:
            made = make()
            record.status_code = 302
            record.save(update_fields=["status_code"])
    except (idempotency.AlreadyDone, idempotency.KeyReused):
        messages.info(request, _("We had received this already."))
        return None
    return made


def _token() -> str:
    return uuid.uuid4().hex


@only_for(_may(TAKE_TICKET))
@require_POST
def take_ticket(request: HttpRequest, code: str) -> HttpResponse:
    """Take a remote ticket for today; it joins the queue when checked in at the kiosk or a counter."""
    outlet = get_object_or_404(Outlet.objects.active(), code=code)
    service = get_object_or_404(outlet.services.filter(is_active=True), pk=request.POST.get("service") or 0)
    try:
        ticket = _once(
            request, lambda: actions.issue_ticket(outlet, service, by=request.user, source=TicketSource.REMOTE)
        )
    except (actions.QueueRefused, actions.TicketLimit) as refusal:
        _refused(request, refusal)
        return redirect("outlets:outlet", code=code)
    if ticket is None:
        return redirect("outlets:my-tickets")
    messages.success(
        request,
        _("Your ticket is %(code)s. Check in at the kiosk or a counter when you arrive.") % {"code": ticket.code},
    )
    return redirect("outlets:my-tickets")


@only_for(_may(TAKE_TICKET))
def my_tickets(request: HttpRequest) -> HttpResponse:
    """The customer's tickets and appointments, today's first."""
    tickets = Ticket.objects.filter(issued_by=request.user).select_related("outlet", "service", "counter")
    appointments = Appointment.objects.filter(booked_by=request.user).select_related("slot__outlet", "slot__service")
    context = {
        "tickets": Paginator(tickets.order_by("-issued_at"), PAGE_SIZE).get_page(request.GET.get("page")),
        "appointments": appointments.order_by("-slot__starts_at")[:PAGE_SIZE],
        "today": timezone.localdate(),
    }
    return render(request, "outlets/my_tickets.html", context)


@only_for(_may(TAKE_TICKET))
@require_POST
def cancel_my_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket, pk=pk, issued_by=request.user)
    try:
        actions.cancel_ticket(ticket, by=request.user)
    except actions.QueueRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Ticket %(code)s is cancelled.") % {"code": ticket.code})
    return redirect("outlets:my-tickets")


@only_for(_may(TAKE_TICKET))
@require_POST
def book_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(AppointmentSlot.objects.select_related("outlet"), pk=pk, outlet__is_active=True)
    account = request.user.linked_accounts.order_by("number").first()
    try:
        appointment = _once(
            request, lambda: actions.book_appointment(slot, by=request.user, account=account, phone=request.user.phone)
        )
    except (actions.QueueRefused, actions.TicketLimit) as refusal:
        _refused(request, refusal)
        return redirect("outlets:outlet", code=slot.outlet.code)
    if appointment is None:
        return redirect("outlets:my-tickets")
    messages.success(
        request,
        _("Booked: %(reference)s. Check in at the kiosk or a counter from 30 minutes before your time.")
        % {"reference": appointment.reference},
    )
    return redirect("outlets:my-tickets")


@only_for(_may(TAKE_TICKET))
@require_POST
def cancel_my_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment, pk=pk, booked_by=request.user)
    try:
        actions.cancel_appointment(appointment, by=request.user)
    except actions.QueueRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(
            request, _("Your appointment %(reference)s is cancelled.") % {"reference": appointment.reference}
        )
    return redirect("outlets:my-tickets")


# --- The counter desk ----------------------------------------------------------------------------------


@only_for(_may(WORK_COUNTER))
def counter_desk(request: HttpRequest) -> HttpResponse:
    """The clerk's desk: their counter's current ticket and the buttons for it, or the counters to sign in to."""
    counter = Counter.objects.select_related("outlet").filter(staffed_by=request.user).first()
    if counter is None:
        counters = (
            permissions.counters_in_scope(request.user)
            .select_related("outlet", "staffed_by")
            .order_by("outlet__code", "number")
        )
        page = Paginator(counters, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "outlets/counter_choose.html", {"page": page})
    current = queue.current_ticket(counter)
    now = timezone.now()
    upcoming = queue.calling_order(queue.callable_by(counter, day=timezone.localdate(now)), counter, now=now)
    context = {
        "counter": counter,
        "current": current,
        "upcoming": upcoming.select_related("service")[:10],
        "waiting": upcoming.count(),
        "transfer_form": TransferForm(ticket=current) if current else None,
        "finish_form": FinishForm(),
        "issue_services": counter.outlet.services.filter(is_active=True),
        "submission": _token(),
    }
    return render(request, "outlets/counter.html", context)


def _counter_of(request: HttpRequest, pk: int) -> Counter:
    return get_object_or_404(permissions.counters_in_scope(request.user), pk=pk)


@only_for(_may(WORK_COUNTER))
@require_POST
def counter_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Sign in, sign out, call the next ticket, or issue a ticket at the counter."""
    counter = _counter_of(request, pk)
    steps: dict[str, Callable[[], object]] = {
        "sign-in": lambda: actions.sign_in_counter(counter, by=request.user),
        "sign-out": lambda: actions.sign_out_counter(counter, by=request.user),
        "call-next": lambda: _call_next(request, counter),
        "issue": lambda: _issue_at_counter(request, counter),
        "check-in": lambda: _check_in_at_counter(request, counter),
    }
    return _take_step(request, steps, action)


def _take_step(request: HttpRequest, steps: dict[str, Callable[[], object]], action: str) -> HttpResponse:
    """Take the named step (unknown: 404); a refusal is a message on the desk, which the clerk returns to."""
    if action not in steps:
        return HttpResponse(status=404)
    try:
        steps[action]()
    except (actions.QueueRefused, actions.TicketLimit) as refusal:
        _refused(request, refusal)
    return redirect("outlets:counter")


def _call_next(request: HttpRequest, counter: Counter) -> None:
    ticket = actions.call_next(counter, by=request.user)
    if ticket is None:
        messages.info(request, _("Nobody is waiting for this counter."))


def _check_in_at_counter(request: HttpRequest, counter: Counter) -> None:
    """Check in a customer who arrives with a remote ticket (its code) or an appointment (its reference)."""
    code = request.POST.get("code", "").strip().upper()[:12]
    today = timezone.localdate()
    appointment = Appointment.objects.filter(reference=code, slot__outlet=counter.outlet_id).first()
    if appointment is not None:
        ticket = actions.check_in_appointment(appointment, by=request.user)
    else:
        pending = Ticket.objects.filter(outlet=counter.outlet_id, day=today, code=code, status=TicketStatus.PENDING)
        ticket = pending.first()
        if ticket is None:
            messages.error(
                request,
                _("No remote ticket or appointment %(code)s waits to be checked in here today.") % {"code": code},
            )
            return
        actions.check_in_ticket(ticket, by=request.user)
    messages.success(request, _("%(code)s is checked in and waits in the queue.") % {"code": ticket.code})


def _issue_at_counter(request: HttpRequest, counter: Counter) -> None:
    service = get_object_or_404(counter.outlet.services.filter(is_active=True), pk=request.POST.get("service") or 0)
    ticket = _once(
        request, lambda: actions.issue_ticket(counter.outlet, service, by=request.user, source=TicketSource.COUNTER)
    )
    if ticket is not None:
        messages.success(request, _("Ticket %(code)s is issued.") % {"code": ticket.code})


@only_for(_may(WORK_COUNTER))
@require_POST
def ticket_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A step on the ticket at the clerk's counter: recall, no-show, start, finish, transfer, or requeue."""
    outlets = permissions.outlets_in_scope(request.user)
    ticket = get_object_or_404(Ticket.objects.select_related("outlet", "counter"), pk=pk, outlet__in=outlets)
    steps: dict[str, Callable[[], object]] = {
        "recall": lambda: actions.recall(ticket, by=request.user),
        "no-show": lambda: actions.mark_no_show(ticket, by=request.user),
        "requeue": lambda: actions.requeue(ticket, by=request.user),
        "start": lambda: actions.start_serving(ticket, by=request.user),
        "finish": lambda: _finish(request, ticket),
        "transfer": lambda: _transfer(request, ticket),
    }
    return _take_step(request, steps, action)


def _finish(request: HttpRequest, ticket: Ticket) -> None:
    form = FinishForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("orders", []):
            messages.error(request, error)
        return
    actions.finish_serving(ticket, by=request.user, work_orders=form.cleaned_data["orders"])
    messages.success(request, _("Ticket %(code)s is done.") % {"code": ticket.code})


def _transfer(request: HttpRequest, ticket: Ticket) -> None:
    form = TransferForm(request.POST, ticket=ticket)
    if not form.is_valid():
        for error in form.non_field_errors() + form.errors.get("service", []) + form.errors.get("counter", []):
            messages.error(request, error)
        return
    actions.transfer_ticket(ticket, by=request.user, **form.cleaned_data)
    messages.success(request, _("Ticket %(code)s is transferred.") % {"code": ticket.code})


# --- Managers ------------------------------------------------------------------------------------------


@only_for(_may(READ_STATISTICS))
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Waits and service times by outlet, service, counter, staff and hour, with the long-wait share and peaks."""
    period = statistics.period_of(request.GET.get("days", "30"))
    outlets = permissions.outlets_in_scope(request.user)
    code = request.GET.get("outlet", "")
    if code:
        outlets = outlets.filter(code=code)
    tickets = statistics.tickets_of(outlets, period)
    hourly = statistics.by("hour", tickets)
    context = {
        "period": period,
        "days": request.GET.get("days", "30"),
        "overall": statistics.overall(tickets),
        "tables": [
            (dimension, statistics.by(dimension, tickets, limit=20))
            for dimension in ("outlet", "service", "counter", "staff")
        ],
        "hourly": hourly,
        "peaks": statistics.peak_hours(hourly),
        "outlets": permissions.outlets_in_scope(request.user).order_by("code").only("code", "name"),
        "outlet_code": code,
    }
    return render(request, "outlets/statistics.html", context)


@only_for(_may(PLAN_OUTLETS))
def planning_page(request: HttpRequest) -> HttpResponse:
    """Areas ranked by demand for face-to-face service, with the score's figures, and outlets short of peaks."""
    ranked = planning.areas()
    context = {
        "areas": Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page")),
        "districts": planning.districts(ranked),
        "shortfalls": planning.shortfalls(),
        "rules": planning.SCORE_RULES,
        "proposals": [area for area in ranked if area.proposal][:10],
    }
    return render(request, "outlets/planning.html", context)
