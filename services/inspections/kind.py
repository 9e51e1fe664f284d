"""Inspections (用电检查) as the backbone knows them: one kind on the general workflow.

Assigned (routed to an inspector) → in progress (on site) → resolved and closed at once when the inspector
completes it (services.inspections.actions.complete_inspection). Sub-types are the origins (plan, anomaly,
re-inspection).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.inspections.forms import INSPECTION_ACTIONS
from services.inspections.models import INSPECTION, Origin
from services.inspections.permissions import may
from services.inspections.routing import route_to_inspector
from services.kinds import Entry, Kind
from services.models import Status
from services.models.orders import GENERAL_TRANSITIONS
from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "inspection_scheduled": MessageTemplate(
        _("An inspection of your electricity use on %(date)s"),
        _("We will inspect the electricity installation of your account on %(date)s (request %(number)s)."),
    ),
    "rectification_notice": MessageTemplate(
        _("Rectification notice for request %(number)s"),
        _("The inspection found something to put right: %(action)s Please rectify by %(date)s. Basis: %(basis)s"),
    ),
    "rectification_reminder": MessageTemplate(
        _("Rectification overdue (request %(number)s)"),
        _("The rectification due by %(date)s is not confirmed yet: %(action)s Please contact us."),
    ),
    "rectification_overdue": MessageTemplate(
        _("Overdue rectification on request %(number)s"),
        _("A customer's rectification due by %(date)s is overdue: %(action)s"),
    ),
    "theft_case_opened": MessageTemplate(
        _("Suspected theft on request %(number)s"),
        _("An inspector recorded suspected theft; estimated unbilled energy %(kwh)s kWh. The case is confidential."),
    ),
}

KIND = Kind(
    code=INSPECTION,
    label=_("Inspection"),
    sub_types=dict(Origin.choices),
    transitions=GENERAL_TRANSITIONS,
    clocks={"complete": _("Inspection completed")},
    actions=INSPECTION_ACTIONS,
    particulars="inspection",
    particulars_template="inspections/_particulars.html",
    tools=(
        Entry(_("Anomaly flags"), "services:inspection-flags", shown_to=lambda user: may(user, "see_flags")),
        Entry(_("Inspection plans"), "services:inspection-plans", shown_to=lambda user: may(user, "see_plans")),
        Entry(_("Theft cases"), "services:inspection-theft-cases", shown_to=lambda user: may(user, "see_theft")),
    ),
    messages=MESSAGES,
    default_route=route_to_inspector,
    urls="services.inspections.urls",
    location_label=_("Service address"),
    progress=(Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED),
    progress_aliases={Status.RESOLVED: Status.CLOSED, Status.NEW: Status.ASSIGNED},
)
