"""Fault repair's own pages: a customer's report, a report entered by staff, and the dispatch board.

The order page, the queues and the crew's steps on an order are the backbone's (services.views), which read
this kind's registration (services.repair.kind).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import is_customer, only_for
from services.forms import can_enter_orders
from services.repair import actions, queues
from services.repair.forms import FaultReportForm, StaffFaultReportForm
from services.repair.models import FAULT_REPAIR
from services.views import contact_initial, new_request

DISPATCH_PAGE_SIZE = 100
DISPATCHERS = frozenset({Role.REPAIR_CREW, Role.DEPARTMENT_MANAGER, Role.COUNTER_STAFF})


def can_dispatch(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in DISPATCHERS


@only_for(is_customer)
def report_fault(request: HttpRequest) -> HttpResponse:
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = FaultReportForm(data, files, user=request.user, initial=contact_initial(request.user))
    context = {
        "heading": _("Report a fault"),
        "intro": _("Tell us what is wrong; a repair crew is dispatched around the clock."),
    }
    received = _("Your fault report %(number)s is received.")
    return new_request(request, form, actions.report_fault, received, "services/request_form.html", context)


@only_for(can_enter_orders)
def enter_fault(request: HttpRequest) -> HttpResponse:
    form = StaffFaultReportForm(request.POST or None)
    received = _("Fault report %(number)s is entered.")
    context = {"heading": _("Enter a fault report"), "kind": FAULT_REPAIR}
    return new_request(request, form, actions.report_fault, received, "services/enter_order.html", context)


@only_for(can_dispatch)
def dispatcher(request: HttpRequest) -> HttpResponse:
    """Open repairs by 台区 with their arrival countdowns; htmx refreshes the board every 30 seconds."""
    now = timezone.now()
    page = Paginator(queues.open_repairs(request.user, now), DISPATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    fragment = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
    template = "repair/_dispatch_board.html" if fragment else "repair/dispatcher.html"
    response = render(request, template, {"page": page, "now": now})
    patch_vary_headers(response, ["HX-Request"])
    return response
