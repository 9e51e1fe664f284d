"""Outage notices' pages: the public lookup by area and each notice; staff write, publish, change, cancel, close.

The public pages need no login. A draft is for its editors only (404 to anyone else). Each page runs a fixed
number of queries whatever the number of notices (tests/services/notices/test_views.py counts them).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ServiceGrid, User
from accounts.permissions import only_for
from services.notices import actions, history
from services.notices.forms import ChangeTimesForm, LookupForm, NoticeForm, PublishForm
from services.notices.models import NoticeGrid, NoticeStatus, OutageNotice

PER_PAGE = 20
# How long a closed or cancelled notice stays in the public lookup.
RECENT = timedelta(days=30)


def can_edit_notices(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in actions.NOTICE_EDITORS


def with_grids(notices: object) -> object:
    """The notices with their 台区 in one more query (for any page size)."""
    grids = Prefetch("grids", queryset=ServiceGrid.objects.order_by("code").only("code", "name"))
    return notices.prefetch_related(grids)


def public_notices(query: str = "") -> object:
    """What the public lookup lists: live and upcoming, then those closed in the last 30 days."""
    since = timezone.now() - RECENT
    recent = OutageNotice.objects.published().exclude(
        status__in=[NoticeStatus.CANCELLED, NoticeStatus.RESTORED], starts_at__lt=since
    )
    return recent.in_area(query).order_by("status", "starts_at", "pk")


def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(with_grids(public_notices(query)), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/lookup.html", {"form": form, "page": page, "query": query})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notices = OutageNotice.objects.all() if can_edit_notices(request.user) else OutageNotice.objects.published()
    notice = with_grids(notices).filter(pk=pk).first()
    if notice is None:
        raise Http404
    context = {"notice": notice, "can_edit": can_edit_notices(request.user)}
    if context["can_edit"]:
        context |= {
            "publish_form": PublishForm(),
            "times_form": ChangeTimesForm(initial={"starts_at": notice.starts_at, "ends_at": notice.ends_at}),
        }
    return render(request, "notices/detail.html", context)


@only_for(can_edit_notices)
def manage(request: HttpRequest) -> HttpResponse:
    """Every notice, drafts first, for the staff who write them."""
    notices = OutageNotice.objects.order_by("status", "-starts_at", "-pk")
    page = Paginator(with_grids(notices), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/manage.html", {"page": page})


@only_for(can_edit_notices)
def new(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = actions.draft_notice(by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The notice is saved as a draft. Check it, then publish it."))
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/new.html", {"form": form})


@require_POST
@only_for(can_edit_notices)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, change the times, cancel or close (power restored); a refused step says why (409)."""
    notice = OutageNotice.objects.filter(pk=pk).first()
    step = STEPS.get(action)
    if notice is None or step is None:
        raise Http404
    form_class, perform, done = step
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _refused(request, notice, " ".join(str(e) for errors in form.errors.values() for e in errors), 400)
    try:
        perform(notice, request.user, form.cleaned_data if form else {})
    except actions.NoticeRefused as refusal:
        return _refused(request, notice, refusal.message, 409)
    except ValidationError as refusal:
        return _refused(request, notice, " ".join(refusal.messages), 400)
    messages.success(request, str(done))
    return redirect("notices:detail", pk=pk)


def _refused(request: HttpRequest, notice: OutageNotice, message: str, status: int) -> HttpResponse:
    messages.error(request, message)
    response = detail(request, notice.pk)
    response.status_code = status
    return response


STEPS = {
    "publish": (
        PublishForm,
        lambda notice, by, data: actions.publish_notice(notice, by=by, override_reason=data["override_reason"]),
        _("Published. Every customer on its 台区 is being told."),
    ),
    "change": (
        ChangeTimesForm,
        lambda notice, by, data: actions.change_notice(notice, by=by, **data),
        _("The times are changed; customers already told are told again."),
    ),
    "cancel": (None, lambda notice, by, data: actions.cancel_notice(notice, by=by), _("The notice is cancelled.")),
    "restore": (None, lambda notice, by, data: actions.restore_power(notice, by=by), _("Closed: power restored.")),
}


@only_for(can_edit_notices)
def outage_history(request: HttpRequest) -> HttpResponse:
    """The last twelve months' outages per 台区 (count, hours, customer-hours lost)."""
    until = timezone.now()
    rows = history.outage_history(since=until - timedelta(days=365), until=until)
    return render(request, "notices/history.html", {"rows": rows})


def grids_of(user: User) -> list[int]:
    """The 台区 of a customer's linked accounts (for the home page's notices)."""
    return list(user.linked_accounts.values_list("grid_id", flat=True).distinct())


def notices_for_customer(user: User) -> list[OutageNotice]:
    """The live and upcoming notices on the 台区 of a customer's accounts, soonest first (two queries)."""
    ids = NoticeGrid.objects.filter(grid__accounts__linked_user=user).values("notice_id")
    notices = OutageNotice.objects.current().filter(pk__in=ids).order_by("starts_at")[:10]
    return list(with_grids(notices))
