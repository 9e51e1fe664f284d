"""New connections (`business_application`) and changes of use (`change_of_use`) as the backbone knows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from services.connections import actions
from services.connections.forms import CHANGE_ACTIONS, STAGE_ACTIONS
from services.connections.models import (
    BUSINESS_APPLICATION,
    CHANGE_OF_USE,
    BusinessApplication,
    ChangeType,
    ConnectionType,
    Stage,
)
from services.connections.permissions import files_for_customers, sees_funnel
from services.connections.stages import TRANSITIONS, WHOLE_PROCESS, spec_for
from services.kinds import CustomerStep, Entry, Kind
from services.models import Status, WorkOrder
from services.models.orders import GENERAL_TRANSITIONS
from services.notifications import MessageTemplate


def _in_construction(order: WorkOrder) -> BusinessApplication | None:
    application = getattr(order, "business_application", None)
    return application if order.status == Stage.CONSTRUCTION and application is not None else None


def may_submit_design(order: WorkOrder) -> bool:
    application = _in_construction(order)
    return bool(application and spec_for(application, Stage.DESIGN_REVIEW) and not application.design_approved_at)


def may_ask_mid_inspection(order: WorkOrder) -> bool:
    application = _in_construction(order)
    applies = application and spec_for(application, Stage.MID_INSPECTION)
    return bool(applies and application.design_approved_at and not application.mid_passed_at)


def may_report_completion(order: WorkOrder) -> bool:
    application = _in_construction(order)
    if application is None:
        return False
    design_done = not spec_for(application, Stage.DESIGN_REVIEW) or application.design_approved_at
    mid_done = not spec_for(application, Stage.MID_INSPECTION) or application.mid_passed_at
    return bool(design_done and mid_done)


CUSTOMER_STEPS = (
    CustomerStep(
        name="submit_design",
        label=_("Submit the design for review"),
        perform=lambda order, *, by, note: actions.submit_design(order, by=by, note=note),
        offered=may_submit_design,
        note_label=_("Note"),
        done=_("Your design is submitted; we review it within the time shown."),
        heading=_("Your design is ready"),
        intro=_("Attach the drawings below, then submit them for the design review."),
    ),
    CustomerStep(
        name="request_mid_inspection",
        label=_("Ask for the mid-construction inspection"),
        perform=lambda order, *, by, note: actions.request_mid_inspection(order, by=by, note=note),
        offered=may_ask_mid_inspection,
        note_label=_("Note"),
        done=_("We will inspect the works before they are covered."),
        heading=_("Works to be covered"),
    ),
    CustomerStep(
        name="report_completion",
        label=_("Construction is complete"),
        perform=lambda order, *, by, note: actions.report_completion(order, by=by, note=note),
        offered=may_report_completion,
        note_label=_("Note"),
        done=_("We will carry out the completion inspection within the time shown."),
        heading=_("Your construction is complete"),
        intro=_("You chose your contractor yourself; tell us when the work is finished and we inspect it."),
    ),
)

MESSAGES: dict[str, MessageTemplate] = {
    "documents_missing": MessageTemplate(
        _("Documents needed for your application %(number)s"),
        _(
            "To accept your application %(number)s we need, all at once, these documents: %(note)s. "
            "Upload them on the application's page; the time limit waits until you do. %(link)s"
        ),
    ),
    "documents_supplied": MessageTemplate(
        _("Documents supplied for %(number)s"),
        _("The customer supplied the documents asked for on %(number)s; the acceptance continues. %(link)s"),
    ),
    "supply_plan_replied": MessageTemplate(
        _("The supply plan for %(number)s"),
        _("Our supply plan for your application %(number)s: %(note)s You choose your contractor freely. %(link)s"),
    ),
    # Not about an order's progress: the suspension or removal an order made has ended (services.connections.
    # resumption), and the account is supplied again.
    "supply_resumed": MessageTemplate(
        _("Supply resumed on account %(account)s"),
        _(
            "The suspension or temporary removal you asked for on account %(account)s ended on %(day)s: the "
            "account is supplied and billed again. %(link)s"
        ),
    ),
    "stage_result": MessageTemplate(
        _("Your application %(number)s: %(status_label)s"),
        _("Your application %(number)s is now at: %(status_label)s. %(note)s %(link)s"),
    ),
}


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.is_employee


BUSINESS = Kind(
    code=BUSINESS_APPLICATION,
    label=_("New connection"),
    transitions=TRANSITIONS,
    sub_types=dict(ConnectionType.choices),
    statuses=dict(Stage.choices),
    clocks={
        WHOLE_PROCESS: _("Whole process (company's time)"),
        **{f"stage:{value}": label for value, label in Stage.choices if value != Stage.CONSTRUCTION},
    },
    actions=STAGE_ACTIONS,
    customer_steps=CUSTOMER_STEPS,
    particulars="business_application",
    particulars_template="connections/_particulars.html",
    customer_template="connections/_customer_panel.html",
    entries=(
        Entry(_("New connection or more capacity"), "services:apply-connection"),
        Entry(_("Enter a new connection"), "services:enter-connection", for_staff=True, shown_to=files_for_customers),
    ),
    tools=(Entry(_("New connections funnel"), "services:connection-funnel", shown_to=sees_funnel),),
    messages=MESSAGES,
    urls="services.connections.urls",
    location_label=_("Supply address"),
    progress=(
        Stage.ACCEPTANCE,
        Stage.SUPPLY_PLAN,
        Stage.CONSTRUCTION,
        Stage.FINAL_INSPECTION,
        Stage.ENERGISATION,
        Status.RESOLVED,
        Status.CLOSED,
    ),
    progress_aliases={
        Status.NEW: Stage.ACCEPTANCE,
        Status.WAITING_CUSTOMER: Stage.ACCEPTANCE,
        Stage.DESIGN_REVIEW: Stage.CONSTRUCTION,
        Stage.MID_INSPECTION: Stage.CONSTRUCTION,
    },
)

CHANGE = Kind(
    code=CHANGE_OF_USE,
    label=_("Change of use"),
    transitions=GENERAL_TRANSITIONS,
    sub_types=dict(ChangeType.choices),
    actions=CHANGE_ACTIONS,
    particulars="change_of_use",
    particulars_template="connections/_change_particulars.html",
    entries=(
        Entry(_("Change of use"), "services:apply-change"),
        Entry(_("Enter a change of use"), "services:enter-change", for_staff=True, shown_to=files_for_customers),
    ),
    location_label=_("Service address"),
    progress=(Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED),
    progress_aliases={Status.WAITING_CUSTOMER: Status.IN_PROGRESS},
)

KINDS = (BUSINESS, CHANGE)
