"""Service applications as the backbone knows them: the general workflow, the resolution clock, the case steps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.applications.forms import CASE_STEPS
from services.applications.kiosk import KIOSK_FILING
from services.applications.models import SERVICE_APPLICATION, ServiceApplicationType
from services.kinds import Entry, Kind
from services.models import Status
from services.models.orders import GENERAL_TRANSITIONS
from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "evidence_requested": MessageTemplate(
        _("We need more information for %(number)s"),
        _("To continue with your request %(number)s we need more information from you: %(note)s %(link)s"),
    ),
}

KIND = Kind(
    code=SERVICE_APPLICATION,
    label=_("Service application"),
    sub_types=dict(ServiceApplicationType.choices),
    transitions=GENERAL_TRANSITIONS,
    actions=CASE_STEPS,
    particulars="application",
    particulars_template="applications/_particulars.html",
    entries=(
        Entry(_("Service application"), "services:file-application"),
        Entry(_("Enter a service application"), "services:enter-application", for_staff=True),
    ),
    messages=MESSAGES,
    urls="services.applications.urls",
    api_urls="services.applications.api_urls",
    location_label=_("Service address"),
    progress=(Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED),
    progress_aliases={Status.WAITING_CUSTOMER: Status.IN_PROGRESS},
    kiosk=KIOSK_FILING,
)
