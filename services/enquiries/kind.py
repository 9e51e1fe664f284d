"""Enquiries (咨询) and information queries (查询) as the backbone knows them: two kinds, one workflow.

Assigned or in progress → answered (resolved) → the customer says it helped (closed) or not (back in progress).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.enquiries import actions
from services.enquiries.forms import ENQUIRY_ACTIONS
from services.enquiries.models import ENQUIRY, INFORMATION_QUERY, Category
from services.enquiries.routing import route_to_counter
from services.kinds import CustomerStep, Entry, Kind
from services.models import Status, WorkOrder
from services.models.orders import GENERAL_TRANSITIONS
from services.notifications import MessageTemplate


def awaits_verdict(order: WorkOrder) -> bool:
    enquiry = getattr(order, "enquiry", None)
    return order.status == Status.RESOLVED and enquiry is not None and enquiry.answer_helpful is None


CUSTOMER_STEPS = (
    CustomerStep(
        name="helped",
        label=_("Yes, this answered my question"),
        perform=lambda order, *, by, note: actions.answer_helped(order, by=by),
        offered=awaits_verdict,
        done=_("Thank you. We are glad it helped."),
        style="success",
        heading=_("Did our answer help?"),
    ),
    CustomerStep(
        name="not_helped",
        label=_("No, I still need help"),
        perform=lambda order, *, by, note: actions.answer_did_not_help(order, by=by, note=note),
        offered=awaits_verdict,
        note_label=_("What is still unclear"),
        note_required=True,
        done=_("We will answer again."),
        style="outline-danger",
    ),
)

MESSAGES: dict[str, MessageTemplate] = {
    "enquiry_answered": MessageTemplate(
        _("Your question %(number)s is answered"),
        _("Our answer to your question %(number)s: %(note)s Tell us whether it helped: %(link)s"),
    ),
}


def _kind(code: str, label: object, entries: tuple[Entry, ...]) -> Kind:
    return Kind(
        code=code,
        label=label,
        sub_types=dict(Category.choices),
        transitions=GENERAL_TRANSITIONS,
        clocks={"answer": _("Answer")},
        actions=ENQUIRY_ACTIONS,
        customer_steps=CUSTOMER_STEPS,
        particulars="enquiry",
        particulars_template="enquiries/_particulars.html",
        entries=entries,
        messages=MESSAGES if code == ENQUIRY else {},
        default_route=route_to_counter,
        urls="services.enquiries.urls" if code == ENQUIRY else "",
        api_urls="services.enquiries.api_urls" if code == ENQUIRY else "",
        location_label=_("Service address"),
        progress=(Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED),
        progress_aliases={Status.WAITING_CUSTOMER: Status.IN_PROGRESS},
    )


KINDS = (
    _kind(
        ENQUIRY,
        _("Enquiry"),
        # The customer's way in (services:ask) is in the accounts menu beside the knowledge base (base.html), not
        # among the top-level entries: the bar has no room for it in English at 1280 px.
        (Entry(_("Enter an enquiry"), "services:enter-enquiry", for_staff=True),),
    ),
    _kind(INFORMATION_QUERY, _("Information query"), ()),
)
