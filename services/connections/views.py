"""New connections' and changes of use's own pages: filing with documents (by the customer, or by counter staff
from a paper application), supplying what the one-time notice asked for, and the staff's funnel. The order
page, queues and stage steps are the backbone's (services.views), reading this package's registration
(services.connections.kind)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_customer, only_for
from services.connections import actions, figures, limits
from services.connections.forms import (
    BusinessApplicationForm,
    ChangeOfUseForm,
    CounterApplicationForm,
    CounterChangeForm,
    SupplyDocumentsForm,
)
from services.connections.models import BUSINESS_APPLICATION, ConnectionType, Stage
from services.connections.permissions import files_for_customers, sees_funnel
from services.connections.stages import PLANS
from services.models import Channel, Status, WorkOrder
from services.views import contact_initial, new_request


def _limited(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse | None:
    if request.method == "POST" and not limits.allow(request.user):
        return render(request, template, {**context, "refusal": limits.refusal_message(request.user)}, status=429)
    return None


@only_for(is_customer)
def apply_connection(request: HttpRequest) -> HttpResponse:
    form = BusinessApplicationForm(
        request.POST or None, request.FILES or None, user=request.user, initial=contact_initial(request.user)
    )
    context = {"heading": _("New connection or more capacity"), "plans": _plans(), "form": form}
    refused = _limited(request, "connections/apply.html", context)
    if refused:
        return refused

    def submit(*, by: object, channel: str, **_fields: object) -> WorkOrder:
        return actions.file_business_application(by=by, channel=channel, **form.action_fields())

    received = _("Your application %(number)s is received.")
    return new_request(request, form, submit, received, "connections/apply.html", context)


def _plans() -> list[dict[str, object]]:
    """Each type's stages, for the filing page's guide."""
    return [
        {"label": label, "stages": [Stage(spec.stage).label for spec in PLANS[value]]}
        for value, label in ConnectionType.choices
    ]


@only_for(is_customer)
def apply_change(request: HttpRequest) -> HttpResponse:
    form = ChangeOfUseForm(request.POST or None, user=request.user, initial=contact_initial(request.user))
    context = {"heading": _("Change of use"), "form": form}
    refused = _limited(request, "connections/change.html", context)
    if refused:
        return refused
    received = _("Your application %(number)s is received.")
    return new_request(request, form, actions.file_change_of_use, received, "connections/change.html", context)


# --- At the counter: a clerk files a paper application for a customer ------------------------------------


def _at_counter(file: Callable[..., WorkOrder], fields: Callable[[], dict[str, object]]) -> Callable[..., WorkOrder]:
    """The action with channel `counter`: these pages take paper applications handed in at the counter (the
    API takes any staff channel), and with the form's fields as `fields()` gives them (the documents gathered)."""

    def submit(*, by: object, channel: str, **_fields: object) -> WorkOrder:
        return file(by=by, channel=Channel.COUNTER, **fields())

    return submit


def _account_initial(request: HttpRequest) -> dict[str, str]:
    """The account the clerk came from (its page links here with ?account=<number>)."""
    number = request.GET.get("account", "")
    return {"account": number} if number.isdigit() and len(number) == 10 else {}


@only_for(files_for_customers)
def enter_connection(request: HttpRequest) -> HttpResponse:
    """A new connection or capacity increase from a paper application: the customer's form, the clerk's scans."""
    form = CounterApplicationForm(
        request.POST or None, request.FILES or None, user=request.user, initial=_account_initial(request)
    )
    context = {
        "heading": _("Enter a new connection"),
        "intro": _(
            "From the customer's paper application: scan or photograph each document and attach it below. "
            "Whatever is missing is told to the customer once, all together, when the documents are checked."
        ),
        "plans": _plans(),
        "form": form,
    }
    refused = _limited(request, "connections/apply.html", context)
    if refused:
        return refused
    submit = _at_counter(actions.file_business_application, form.action_fields)
    received = _("New connection %(number)s is entered.")
    return new_request(request, form, submit, received, "connections/apply.html", context)


@only_for(files_for_customers)
def enter_change(request: HttpRequest) -> HttpResponse:
    """A change of use asked for at the counter, for a customer's account found by its number."""
    form = CounterChangeForm(request.POST or None, user=request.user, initial=_account_initial(request))
    context = {"heading": _("Enter a change of use"), "form": form, "at_counter": True}
    refused = _limited(request, "connections/change.html", context)
    if refused:
        return refused
    submit = _at_counter(actions.file_change_of_use, lambda: form.cleaned_data)
    received = _("Change of use %(number)s is entered.")
    return new_request(request, form, submit, received, "connections/change.html", context)


@only_for(is_customer)
def supply_documents(request: HttpRequest, number: str) -> HttpResponse:
    """The customer uploads what the one-time notice asked for (their own application only: 404 otherwise)."""
    orders = WorkOrder.objects.visible_to(request.user).filter(kind=BUSINESS_APPLICATION)
    order = get_object_or_404(orders.select_related("business_application"), number=number)
    wanting = list(order.business_application.documents.filter(is_company=False, verdict__in=actions.NOT_ACCEPTED))
    if order.status != Status.WAITING_CUSTOMER or not wanting:
        raise Http404
    form = SupplyDocumentsForm(request.POST or None, request.FILES or None, wanting=[row.code for row in wanting])
    context = {"order": order, "form": form, "wanting": wanting}
    refused = _limited(request, "connections/supply.html", context)
    if refused:
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            actions.supply_documents(order, by=request.user, files=form.files_given())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the documents are received."))
            return redirect("services:order", number=order.number)
    return render(request, "connections/supply.html", context, status=400 if form.errors else 200)


@only_for(sees_funnel)
def funnel(request: HttpRequest) -> HttpResponse:
    """Applications by stage, with median stage times and breaches, by type (the dashboards read the same)."""
    until = timezone.now()
    since = until - timezone.timedelta(days=365)
    context = {"rows": figures.funnel(since=since, until=until), "since": since, "until": until}
    return render(request, "connections/funnel.html", context)
