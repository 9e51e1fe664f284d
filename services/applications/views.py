"""Service applications' own pages: a customer's application and one entered by staff.

The order page, the queues and the case steps on an order are the backbone's (services.views), which read this
kind's registration (services.applications.kind).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.permissions import is_customer, only_for
from services.applications import actions
from services.applications.forms import ServiceApplicationForm, StaffServiceApplicationForm
from services.applications.models import SERVICE_APPLICATION
from services.forms import can_enter_orders
from services.views import contact_initial, new_request


@only_for(is_customer)
def file_application(request: HttpRequest) -> HttpResponse:
    form = ServiceApplicationForm(request.POST or None, user=request.user, initial=contact_initial(request.user))
    context = {
        "heading": _("Service application"),
        "intro": _("Reconnection, appliance damage, meter problems and other services, each with its time limit."),
    }
    received = _("Your application %(number)s is received.")
    submit = actions.file_service_application
    return new_request(request, form, submit, received, "services/request_form.html", context)


@only_for(can_enter_orders)
def enter_application(request: HttpRequest) -> HttpResponse:
    form = StaffServiceApplicationForm(request.POST or None)
    received = _("Service application %(number)s is entered.")
    context = {"heading": _("Enter a service application"), "kind": SERVICE_APPLICATION}
    submit = actions.file_service_application
    return new_request(request, form, submit, received, "services/enter_order.html", context)
