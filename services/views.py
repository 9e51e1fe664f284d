"""The backbone's pages: a customer's requests and their progress, the staff's queues, the order page, the inbox.

They serve every kind alike, reading what is particular to a kind from services.kinds (its panel, its staff
actions, its customer steps); a kind's own pages (its entry forms, a dispatch board) are in its package and
open requests through `new_request`. Every order is loaded through `WorkOrder.objects.visible_to` (an order
you may not see is 404); pages and actions a role may not use are 403 (accounts.views.only_for,
services.forms.action_for). A move the workflow refuses (services.actions.TransitionRefused) shows its message
on the order page with status 409. tests/services/test_page_access.py holds every page to this.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import is_customer, is_employee, only_for
from services import actions, attachments, events, idempotency, kinds, notifications, permissions, queues, steps, visits
from services.forms import (
    ActionNotApplicable,
    AttachmentForm,
    QueueFilterForm,
    RatingForm,
    StepForm,
    action_for,
    entry_channels,
    offered_actions,
)
from services.models import (
    Channel,
    Clock,
    ClockState,
    EventKind,
    Status,
    TimelineEvent,
    VisitChannel,
    WorkOrder,
)
from services.sla import ClockStatus, clock_status

PAGE_SIZE = 25
# The one-time token of a new-request form (new_request): 32 hex digits, a fresh uuid4 per form shown.
SUBMISSION = "submission"
SUBMISSION_FORMAT = re.compile(r"[0-9a-f]{32}")
# What the workflow raises when a step is not allowed now: shown on the order page with 409, nothing changed.
REFUSALS = (actions.TransitionRefused, actions.ChaseRefused, visits.VisitRefused)


# --- Customers ------------------------------------------------------------------------------------------


@only_for(is_customer)
def my_requests(request: HttpRequest) -> HttpResponse:
    orders = queues.customer_orders(request.user, timezone.now())
    page = queues.CappedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/my_requests.html", {"page": page})


def new_request(
    request: HttpRequest,
    form: forms.Form,
    submit: Callable[..., WorkOrder],
    received: str,
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    """Open a request from a customer's or a staff member's form, whose fields are the action's keywords.

    Every kind's entry pages come through here. A customer's form has no channel field: what a customer
    submits here came in through the web. The form carries a one-time token (SUBMISSION): a double click or a
    resent form opens the request once and takes the second post to the same order (services.idempotency).
    """
    token = request.POST.get(SUBMISSION, "")
    if "channel" in form.fields:
        form.fields["channel"].choices = entry_channels(request.user)
    if request.method == "POST" and form.is_valid():
        fields = {"channel": Channel.WEB, **form.cleaned_data}
        try:
            order = _submit_once(request, token, lambda: submit(by=request.user, **fields))
        except ValidationError as refusal:
            form.add_error(None, refusal)
        except idempotency.AlreadyDone as done:
            messages.info(request, _("We had received this already; here it is."))
            return redirect(done.record.location)
        else:
            messages.success(request, received % {"number": order.number})
            return redirect("services:order", number=order.number)
    valid_token = token if SUBMISSION_FORMAT.fullmatch(token) else uuid.uuid4().hex
    # A post that comes back is the form again with its errors: 400, as every form of the portal answers it.
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, SUBMISSION: valid_token, **context}, status=status)


def _submit_once(request: HttpRequest, token: str, submit: Callable[[], WorkOrder]) -> WorkOrder:
    """Open the request once per form token (a post without a valid token is simply opened)."""
    if not SUBMISSION_FORMAT.fullmatch(token):
        return submit()
    key, print_ = f"form:{token}", idempotency.fingerprint(request.path)
    try:
        with idempotency.once(owner=f"user:{request.user.pk}", key=key, fingerprint=print_) as record:
            order = submit()
            record.status_code, record.location = 302, reverse("services:order", args=[order.number])
            record.save(update_fields=["status_code", "location"])
    except idempotency.KeyReused as reused:
        raise ValidationError(_("This form was sent from another page; reload the page and send it again.")) from reused
    return order


def contact_initial(user: User) -> dict[str, str]:
    phone = user.username if user.username.isdigit() and len(user.username) == 11 else ""
    return {"contact_phone": phone}


@require_POST
@only_for(is_customer)
def customer_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """A customer's step on their own order (services.steps): 409 for a step of another kind, 404 for none."""
    order = _visible_order(request, number)
    taken = steps.steps_for(order).get(step)
    if taken is None:
        if not steps.is_known(step):
            raise Http404
        message = _("This step does not apply to a %(kind)s request.") % {"kind": order.get_kind_display()}
        return _order_page(request, order, refusal=message, status=409)
    form = StepForm(request.POST, step=taken)
    if not form.is_valid():
        return _order_page(request, order, step_forms={step: form}, status=400)
    note = form.cleaned_data.get("note", "")
    return _attempt(request, order, lambda: taken.perform(order, by=request.user, note=note), str(taken.done))


def return_visit(request: HttpRequest, token: str) -> HttpResponse:
    """The rating page the return-visit link opens: no sign-in, the signed token is the key, usable once."""
    try:
        order = visits.order_for_token(token)
    except visits.VisitRefused as error:
        return _visit_refused(request, error)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visits.record_return_visit(
                order,
                by=request.user if request.user.is_authenticated else None,
                channel=VisitChannel.WEB,
                overall=data["overall"],
                scores=form.scores(),
                comment=data["comment"],
            )
        except visits.VisitRefused as error:  # rated in another tab a moment ago
            return _visit_refused(request, error)
        return render(request, "services/return_visit_done.html", {"order": order})
    return render(request, "services/return_visit.html", {"order": order, "form": form})


def _visit_refused(request: HttpRequest, refusal: visits.VisitRefused) -> HttpResponse:
    """A link that is used or expired is gone for good (410); a tampered or unknown one is bad (400)."""
    status = 410 if refusal.reason in ("used", "expired") else 400
    return render(request, "services/return_visit_refused.html", {"message": refusal.message}, status=status)


# --- Both: the order page, attachments, the inbox -------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The in-app messages. Showing a page marks its unread messages read (they stand out this once); posting
    marks them all read."""
    if request.method == "POST":
        notifications.mark_read(request.user)
        return redirect("services:inbox")
    messages_ = notifications.inbox_of(request.user).select_related("order")
    page = Paginator(messages_, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = {message.pk for message in page.object_list if message.read_at is None}
    if unread:
        notifications.mark_read(request.user, unread)
    for message in page.object_list:
        message.is_new = message.pk in unread
        message.text, message.link = notifications.inbox_text(message)
    return render(request, "services/inbox.html", {"page": page})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _order_page(request, _visible_order(request, number))


@require_POST
@login_required
def upload(request: HttpRequest, number: str) -> HttpResponse:
    order = _visible_order(request, number)
    if request.user.is_employee and not permissions.may_act_on(order, request.user):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        public = form.cleaned_data["is_public"] or request.user.is_customer
        try:
            attachments.add_attachment(order, by=request.user, upload=form.cleaned_data["upload"], public=public)
        except ValidationError as error:
            form.add_error("upload", error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("services:order", number=order.number)
    return _order_page(request, order, attachment_form=form)


@login_required
def attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """Serve an attachment to those who may see its order (customers: its public ones); 404 to anyone else."""
    order = _visible_order(request, number)
    files = order.attachments.all() if request.user.is_employee else order.attachments.filter(is_public=True)
    item = get_object_or_404(files, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as gone:
        raise Http404 from gone
    response = FileResponse(handle, content_type=item.content_type, filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Staff ----------------------------------------------------------------------------------------------


@only_for(is_employee)
def my_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, queues.my_queue(request.user, timezone.now()), _("My queue"))


@only_for(is_employee)
def team_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, queues.team_queue(request.user, timezone.now()), _("My team's queue"))


@only_for(is_employee)
def closed_orders(request: HttpRequest) -> HttpResponse:
    """The team's closed and cancelled orders, the latest closure first: the queues' history."""
    orders = queues.closed_history(queues.of_team(WorkOrder.objects.visible_to(request.user), request.user))
    return _queue_page(request, orders, _("Closed orders"), closed=True)


def _queue_page(request: HttpRequest, orders: object, title: str, *, closed: bool = False) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    orders = queues.for_rows(queues.filter_orders(orders, **form.criteria()))
    page = queues.CappedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "title": title, "now": timezone.now(), "closed": closed}
    return render(request, "services/queue.html", context)


@require_POST
@only_for(is_employee)
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one staff action on an order: 403 for a role that may not, 409 when the workflow refuses it."""
    order = _visible_order(request, number)
    try:
        action_form = action_for(order, action, request.user)
    except ActionNotApplicable as refusal:
        return _order_page(request, order, refusal=refusal.message, status=409)
    form = action_form(request.POST, request.FILES, order=order)  # a stage step may attach a document
    if not form.is_valid():
        return _order_page(request, order, action_forms={action: form}, status=400)
    return _attempt(request, order, lambda: form.perform(request.user), _("Done: %(action)s.") % {"action": form.label})


# --- The order page and its helpers ---------------------------------------------------------------------


def _visible_order(request: HttpRequest, number: str) -> WorkOrder:
    orders = WorkOrder.objects.visible_to(request.user).select_related(
        "account", "grid", "department", "assigned_to", "customer"
    )
    return get_object_or_404(orders, number=number)


def _attempt(request: HttpRequest, order: WorkOrder, step: object, done: str) -> HttpResponse:
    """Run one step on the order; on success redirect back to it, on a refused move show why (409)."""
    try:
        step()
    except REFUSALS as refusal:
        return _order_page(request, order, refusal=refusal.message, status=409)
    except actions.TooSoon as too_soon:
        response = _order_page(request, order, refusal=too_soon.message, status=429)
        response["Retry-After"] = str(too_soon.retry_after(timezone.now()))
        return response
    except ValidationError as invalid:
        return _order_page(request, order, refusal=" ".join(invalid.messages), status=400)
    messages.success(request, done)
    return redirect("services:order", number=order.number)


def _order_page(
    request: HttpRequest,
    order: WorkOrder,
    *,
    status: int = 200,
    refusal: str = "",
    action_forms: dict | None = None,
    attachment_form: AttachmentForm | None = None,
    step_forms: dict[str, StepForm] | None = None,
) -> HttpResponse:
    user = request.user
    order = _fresh(order)
    staff = user.is_employee
    events = order.events.select_related("actor")
    files = order.attachments.all()
    if not staff:
        events, files = events.filter(is_public=True), files.filter(is_public=True)
    now = timezone.now()
    context = {
        "order": order,
        "particulars": _particulars(order),
        "kind": kinds.of(order),
        "clocks": [_clock_row(clock, now) for clock in order.clocks.all()],
        "events": [_describe(event) for event in events],
        "attachments": files,
        "refusal": refusal,
        "attachment_form": attachment_form or AttachmentForm(),
        "now": now,
    }
    if staff:
        offered = {form.name: form for form in offered_actions(order, user)}
        offered.update(action_forms or {})
        context["actions"] = list(offered.values())
    else:
        context.update(_customer_choices(order, step_forms or {}))
    template = "services/order_staff.html" if staff else "services/order_progress.html"
    return render(request, template, context, status=status)


def _fresh(order: WorkOrder) -> WorkOrder:
    """The order as it is now (after an action), with what its page shows beside it."""
    kind = kinds.of(order)
    return (
        WorkOrder.objects.select_related("account", "grid", "department", "assigned_to", "customer")
        .select_related(*([kind.particulars] if kind and kind.particulars else []))
        .prefetch_related(Prefetch("clocks", queryset=Clock.objects.select_related("policy")))
        .get(pk=order.pk)
    )


STATE_STYLES = {"on_track": "success", "warning": "warning", "breached": "danger", "paused": "secondary", "met": "info"}


def _clock_row(clock: Clock, now: datetime) -> dict[str, object]:
    """A clock as its row on the order page: its status, and the time left (or late) in words."""
    status = clock_status(clock, now)
    live = clock.state in (ClockState.RUNNING, ClockState.PAUSED)
    return {"status": status, "style": STATE_STYLES[status.state], "live": live, "left": _duration(status)}


def _duration(status: ClockStatus) -> str:
    minutes = abs(status.remaining_seconds) // 60
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        text = _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    else:
        text = _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return text if status.remaining_seconds >= 0 else _("%(time)s late") % {"time": text}


def _particulars(order: WorkOrder) -> object | None:
    """The kind's own record (services.kinds.Kind.particulars), or None."""
    kind = kinds.of(order)
    return getattr(order, kind.particulars, None) if kind and kind.particulars else None


def _progress(order: WorkOrder) -> list[dict[str, str]]:
    """The stepper on the customer's page: each status on the kind's usual way, done, current or to come."""
    kind = kinds.of(order)
    if kind is None or not kind.progress or order.status == Status.CANCELLED:
        return []
    here = kind.progress_aliases.get(order.status, order.status)
    position = kind.progress.index(here) if here in kind.progress else -1
    states = [
        "done" if index < position else "current" if index == position else "todo"
        for index in range(len(kind.progress))
    ]
    if order.status == Status.CLOSED:
        states[-1] = "done"
    return [
        {"label": kinds.status_label(code), "state": state} for code, state in zip(kind.progress, states, strict=True)
    ]


def _customer_choices(order: WorkOrder, step_forms: dict[str, StepForm]) -> dict[str, object]:
    """What the customer may do on their progress page: the steps offered now, and the rating link."""
    offered = [step_forms.get(step.name) or StepForm(step=step) for step in steps.offered_steps(order)]
    rate_token = visits.visit_token(order) if visits.may_be_rated(order) else None
    return {"step_forms": offered, "rate_token": rate_token, "progress": _progress(order)}


def _describe(event: TimelineEvent) -> TimelineEvent:
    """Give the event's old and new values their labels and its actor a name, for the timeline.

    Values are codes (a status, a clock's name and state, a priority, a channel); none may reach the page raw.
    """
    event.old_label, event.new_label = events.value_labels(event)
    event.actor_label = _actor_label(event)
    return event


# What a customer does themselves; anything else recorded under a customer (triage and routing on their report,
# the priority their chase raises, clocks) happened automatically.
CUSTOMER_ACTS = {EventKind.CREATED, EventKind.CHASE, EventKind.COMMENT, EventKind.ATTACHMENT, EventKind.RETURN_VISIT}


def _actor_label(event: TimelineEvent) -> str:
    actor = event.actor
    if actor is None:
        sweep = event.kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH)
        return _("Time-limit sweep") if sweep else _("System")
    if actor.is_customer and not _customer_act(event):
        return _("System")
    return actor.get_full_name() or actor.username


def _customer_act(event: TimelineEvent) -> bool:
    """Whether a customer did this: reported, chased, commented, attached, rated, confirmed or disputed."""
    if event.kind == EventKind.STATUS_CHANGED:
        confirmed = event.new_value == Status.CLOSED
        disputed = (event.old_value, event.new_value) == (Status.RESOLVED, Status.ASSIGNED)
        return confirmed or disputed
    return event.kind in CUSTOMER_ACTS
