"""Fault repair as the backbone knows it: its workflow, clocks, staff and customer steps, pages and messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kinds import CustomerStep, Entry, Kind
from services.models import Status, WorkOrder
from services.notifications import MessageTemplate
from services.repair import actions
from services.repair.forms import CREW_STEPS
from services.repair.kiosk import KIOSK_FILING
from services.repair.models import FAULT_REPAIR, FaultType, RepairStatus
from services.repair.routing import route_to_crew
from services.repair.views import can_dispatch

# Each status → the statuses it may move to. Anything else is refused (409 in the API).
TRANSITIONS: dict[str, frozenset[str]] = {
    # Triage sends a report to a crew, onto a known outage, or resolves it at once (arrears, premises).
    Status.NEW: frozenset({Status.ASSIGNED, RepairStatus.JOINED_OUTAGE, Status.RESOLVED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({RepairStatus.ACCEPTED, Status.CANCELLED}),
    RepairStatus.ACCEPTED: frozenset({RepairStatus.DEPARTED}),
    RepairStatus.DEPARTED: frozenset({RepairStatus.ARRIVED}),
    # Restored, or the crew cannot complete and the order goes back for another dispatch.
    RepairStatus.ARRIVED: frozenset({Status.RESOLVED, Status.ASSIGNED}),
    RepairStatus.JOINED_OUTAGE: frozenset({Status.RESOLVED, Status.ASSIGNED}),
    # The customer confirms (or the confirmation period ends), or disputes and a crew goes again.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.ASSIGNED}),
}


def awaits_confirmation(order: WorkOrder) -> bool:
    """Power is reported back and the customer has not yet said whether it is."""
    fault = getattr(order, "fault", None)
    return order.status == Status.RESOLVED and fault is not None and fault.customer_confirmed is None


CUSTOMER_STEPS = (
    CustomerStep(
        name="confirm",
        label=_("Yes, it is restored"),
        perform=lambda order, *, by, note: actions.confirm_restoration(order, by=by),
        offered=awaits_confirmation,
        done=_("Thank you for confirming."),
        style="success",
        heading=_("Is your power back?"),
    ),
    CustomerStep(
        name="dispute",
        label=_("No, it is not fixed"),
        perform=lambda order, *, by, note: actions.dispute_restoration(order, by=by, note=note),
        offered=awaits_confirmation,
        note_label=_("What is still wrong"),
        note_required=True,
        done=_("We are sending a crew again."),
        style="outline-danger",
    ),
)

MESSAGES: dict[str, MessageTemplate] = {
    # Sent when routing gives the order to a crew member, before they accept it: assigned, not yet on the way
    # ("crew_departed" says that).
    "crew_dispatched": MessageTemplate(
        _("A repair crew is assigned to %(number)s"),
        _(
            "A repair crew is assigned to your fault report %(number)s. We will tell you when it is on the way. "
            "%(link)s"
        ),
    ),
    "crew_departed": MessageTemplate(
        _("The repair crew is on the way (%(number)s)"),
        _("The repair crew for your fault report %(number)s is on the way. %(link)s"),
    ),
    "crew_arrived": MessageTemplate(
        _("The repair crew has arrived (%(number)s)"),
        _("The repair crew for your fault report %(number)s has arrived on site. %(link)s"),
    ),
    "power_restored": MessageTemplate(
        _("Power has been restored (%(number)s)"),
        _(
            "Power has been restored for your fault report %(number)s. Please confirm, or tell us if the "
            "problem remains. %(link)s"
        ),
    ),
    "outage_joined": MessageTemplate(
        _("Your report %(number)s is part of a known outage"),
        _(
            "The fault you reported (%(number)s) is part of an outage we already know of and are repairing. "
            "We will tell you when power is restored. %(link)s"
        ),
    ),
    "restoration_disputed": MessageTemplate(
        _("The customer disputes the restoration of %(number)s"),
        _("The customer says the fault of %(number)s is not repaired: %(note)s %(link)s"),
    ),
}

KIND = Kind(
    code=FAULT_REPAIR,
    label=_("Fault repair"),
    sub_types=dict(FaultType.choices),
    transitions=TRANSITIONS,
    statuses=dict(RepairStatus.choices),
    clocks={"arrival": _("Arrival on site"), "restoration": _("Restoration of power")},
    actions=CREW_STEPS,
    customer_steps=CUSTOMER_STEPS,
    particulars="fault",
    particulars_template="repair/_particulars.html",
    entries=(
        Entry(_("Report a fault"), "services:report-fault"),
        Entry(_("Enter a fault report"), "services:enter-fault", for_staff=True),
    ),
    tools=(Entry(_("Dispatch"), "services:dispatcher", shown_to=can_dispatch),),
    messages=MESSAGES,
    default_route=route_to_crew,
    urls="services.repair.urls",
    api_urls="services.repair.api_urls",
    location_label=_("Location"),
    progress=(
        Status.NEW,
        Status.ASSIGNED,
        RepairStatus.ACCEPTED,
        RepairStatus.DEPARTED,
        RepairStatus.ARRIVED,
        Status.RESOLVED,
        Status.CLOSED,
    ),
    progress_aliases={RepairStatus.JOINED_OUTAGE: Status.ASSIGNED},
    customer_template="repair/_crew.html",
    kiosk=KIOSK_FILING,
)
