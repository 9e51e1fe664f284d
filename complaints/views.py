"""The complaints' pages: filing (customer, staff), the handler's queue, the manager's watch list, the intake
history, and a customer's own filings with the progress of a confidential report.

A complaint's own page is the backbone's order page (services.views.order_detail), which offers only the loop's
steps the user may take now (complaints.forms, complaints.permissions). Filing posts are idempotent (a one-time
form token) and throttled per customer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, ElectricityAccount
from accounts.permissions import is_customer, only_for
from complaints import actions, permissions, queries
from complaints.forms import CustomerFilingForm, FilingForm, StaffFilingForm
from complaints.models import FEEDBACK_KINDS, MISCONDUCT_REPORT, Complaint, ComplaintStatus
from services import idempotency
from services.models import Channel, TimelineEvent, WorkOrder
from services.queues import CappedPaginator

PAGE_SIZE = 25
SUBMISSION = "submission"
SUBMISSION_FORMAT = re.compile(r"[0-9a-f]{32}")


def _landing(order: WorkOrder, user: object) -> str:
    """Where a filing lands: the order page, or a confidential report's own progress page for its customer."""
    if order.kind == MISCONDUCT_REPORT and getattr(user, "is_customer", False):
        return reverse("complaints:report", args=[order.number])
    return reverse("services:order", args=[order.number])


def _file_once(request: HttpRequest, submit: Callable[[], WorkOrder]) -> str:
    """File once per form token (a double click or a resent form lands on the first filing); the landing URL."""
    token = request.POST.get(SUBMISSION, "")
    if not SUBMISSION_FORMAT.fullmatch(token):
        return _landing(submit(), request.user)
    print_ = idempotency.fingerprint(request.path)
    try:
        with idempotency.once(owner=f"user:{request.user.pk}", key=f"form:{token}", fingerprint=print_) as record:
            order = submit()
            record.status_code, record.location = 302, _landing(order, request.user)
            record.save(update_fields=["status_code", "location"])
    except idempotency.KeyReused as reused:
        raise ValidationError(_("This form was sent from another page; reload the page and send it again.")) from reused
    return record.location


def _filing_page(request: HttpRequest, form: FilingForm, channel: str | None, context: dict) -> HttpResponse:
    status = 200
    if request.method == "POST" and form.is_valid():
        filing = form.filing(channel or form.cleaned_data["channel"])
        try:
            location = _file_once(request, lambda: actions.file_complaint(by=request.user, filing=filing))
        except actions.FilingLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        except ValidationError as refusal:
            _add_refusal(form, refusal)
        except idempotency.AlreadyDone as done:
            return redirect(done.record.location)
        else:
            return redirect(location)
    token = request.POST.get(SUBMISSION, "")
    context = {"form": form, SUBMISSION: token if SUBMISSION_FORMAT.fullmatch(token) else uuid.uuid4().hex, **context}
    return render(request, "complaints/file.html", context, status=status)


def _add_refusal(form: FilingForm, refusal: ValidationError) -> None:
    """The action's refusal on its field where the form has it, else above the form."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, errors in refusal.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@only_for(is_customer)
def file(request: HttpRequest) -> HttpResponse:
    """A customer files a complaint, a report, an opinion, a suggestion or a praise, and sees their earlier ones."""
    form = CustomerFilingForm(request.POST or None, user=request.user)
    earlier = queries.customer_complaints(request.user)[:10]
    context = {"heading": _("Complaint, report or praise"), "earlier": earlier, "staff": False}
    return _filing_page(request, form, Channel.WEB, context)


@only_for(permissions.may_enter)
def enter(request: HttpRequest) -> HttpResponse:
    """Staff enter what came by counter, 95598, 12398, 12345 or letter, with the date the channel received it."""
    form = StaffFilingForm(request.POST or None)
    context = {
        "heading": _("Enter a complaint"),
        "staff": True,
        "may_see_history": permissions.is_handler(request.user),
    }
    return _filing_page(request, form, None, context)


@only_for(permissions.is_handler)
def history(request: HttpRequest) -> HttpResponse:
    """The intake view: the account's and its holder's requests of the last 90 days (an HTMX panel, or a page)."""
    number = request.GET.get("account", "").strip()
    account = ElectricityAccount.objects.filter(number=number).select_related("customer").first() if number else None
    orders = queries.history(account, timezone.now()) if account else []
    template = "complaints/_history.html" if request.headers.get("HX-Request") else "complaints/history.html"
    return render(request, template, {"account": account, "orders": orders, "number": number[:20]})


def _page(request: HttpRequest, complaints: object) -> object:
    return CappedPaginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))


def _labels() -> dict[str, dict[str, str]]:
    """The statuses', kinds' and channels' labels, translated once for the page's rows."""
    from services import kinds  # the registry, read when the page is shown

    return {
        "status_labels": {code: str(label) for code, label in kinds.status_choices()},
        "kind_labels": {code: str(label) for code, label in kinds.kind_choices()},
        "channel_labels": {code: str(label) for code, label in Channel.choices},
    }


@only_for(permissions.is_handler)
def queue(request: HttpRequest) -> HttpResponse:
    """The handler's queue: the loop's step, the clocks, major first."""
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    kind = kind if kind in FEEDBACK_KINDS else ""
    status = status if status in {*ComplaintStatus.values, "new", "assigned"} else ""
    major = request.GET.get("major") == "1"
    drill = _drill(request)
    complaints = queries.handler_queue(request.user, timezone.now(), kind=kind, status=status, major=major, drill=drill)
    context = {
        "drill": drill,
        "whole_queue": reverse("complaints:queue"),
        "page": _page(request, complaints),
        "title": _("Complaint queue"),
        "kinds": _kind_labels(),
        "statuses": [("new", _("New")), ("assigned", _("Assigned")), *ComplaintStatus.choices],
        "chosen": {"kind": kind, "status": status, "major": major},
        **_labels(),
    }
    return render(request, "complaints/queue.html", context)


def _drill(request: HttpRequest) -> queries.Drill:
    """A dashboard's drill-down (category, cause, unit and window). The queue is the user's scope first, so a unit
    outside it shows nothing more; an unknown unit code shows nothing at all (an unsaved unit has no subtree)."""
    code = request.GET.get("unit", "")[:20]
    unit = (Department.objects.filter(code=code).first() or Department(pk=0, code=code)) if code else None
    return queries.Drill(
        category=request.GET.get("category", "")[:40],
        cause=request.GET.get("cause", "")[:40],
        unit=unit,
        since=_date(request.GET.get("since")),
        until=_date(request.GET.get("until")),
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _kind_labels() -> list[tuple[str, str]]:
    from services import kinds  # the registry, read when the page is shown

    return [(code, kinds.kind_label(code)) for code in FEEDBACK_KINDS]


@only_for(permissions.is_manager)
def watch(request: HttpRequest) -> HttpResponse:
    """The manager's view: major and overdue complaints in their units, major first."""
    complaints = queries.manager_view(request.user, timezone.now())
    context = {"page": _page(request, complaints), "title": _("Major and overdue complaints"), "watch": True}
    context.update(_labels())
    return render(request, "complaints/queue.html", context)


@only_for(is_customer)
def report(request: HttpRequest, number: str) -> HttpResponse:
    """A customer's confidential report: its status, the customer-visible steps and the reply."""
    complaint = get_object_or_404(
        Complaint.objects.select_related("order", "reporter"), order__number=number, reporter__user=request.user
    )
    if complaint.order.kind != MISCONDUCT_REPORT:
        raise Http404
    events = TimelineEvent.objects.filter(order_id=complaint.pk, is_public=True).order_by("at", "pk")
    return render(
        request, "complaints/report.html", {"complaint": complaint, "order": complaint.order, "events": events}
    )
