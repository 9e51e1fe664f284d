"""The five kinds of this app as the backbone knows them: workflows, clocks, steps, pages and messages.

Each is registered on its own (complaints.apps); the backbone names none of them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints import actions, library_registry, permissions
from complaints.forms import LOOP_STEPS
from complaints.kiosk import kiosk_filing
from complaints.models import COMPLAINT, MISCONDUCT_REPORT, OPINION, PRAISE, SUGGESTION, ComplaintStatus
from complaints.routing import route_to_handler
from complaints.transitions import COMPLAINT_TRANSITIONS, LIGHT_TRANSITIONS, MISCONDUCT_TRANSITIONS
from services.kinds import Entry, Kind
from services.models import Status
from services.notifications import MessageTemplate

STATUSES = dict(ComplaintStatus.choices)
CLOCKS = {"contact": _("Contact the customer"), "answer": _("Answer the customer")}


MESSAGES: dict[str, MessageTemplate] = {
    "major_complaint": MessageTemplate(
        _("Major complaint %(number)s"),
        _("The %(kind_label)s %(number)s is major (%(note)s) and needs your attention at once. %(link)s"),
    ),
    "complaint_answered": MessageTemplate(
        _("Our answer to %(number)s"),
        _("Our answer to your %(kind_label)s %(number)s: %(note)s %(link)s"),
    ),
}

ENTRIES = (
    Entry(_("Complaint, report or praise"), "complaints:file"),
    Entry(_("Enter a complaint"), "complaints:enter", for_staff=True),
)
TOOLS = (
    # Complaint handlers are not among the backbone's order takers: they enter complaints from here.
    Entry(_("Enter a complaint"), "complaints:enter", shown_to=permissions.enters_by_tool),
    Entry(_("Complaint queue"), "complaints:queue", shown_to=permissions.is_handler),
    Entry(_("Major and overdue complaints"), "complaints:watch", shown_to=permissions.is_manager),
)


def _kind(code: str, label: object, transitions: dict, progress: tuple[str, ...], **extra: object) -> Kind:
    return Kind(
        code=code,
        label=label,
        transitions=transitions,
        statuses=STATUSES,
        clocks=CLOCKS,
        particulars="complaint",
        particulars_template="complaints/_particulars.html",
        default_route=route_to_handler,
        location_label=_("Address"),
        progress=progress,
        # Where a status off the customer's stepper stands on it (verification and assessment are internal).
        progress_aliases={
            Status.ASSIGNED: Status.NEW,
            ComplaintStatus.VERIFIED: ComplaintStatus.RECTIFIED,
            ComplaintStatus.VISITED: ComplaintStatus.ANSWERED,
            ComplaintStatus.ASSESSED: ComplaintStatus.ANSWERED,
        },
        actions=LOOP_STEPS,
        messages={**MESSAGES, **library_registry.MESSAGES},
        **extra,
    )


KINDS: tuple[Kind, ...] = (
    _kind(
        COMPLAINT,
        _("Complaint"),
        COMPLAINT_TRANSITIONS,
        (
            Status.NEW,
            ComplaintStatus.CONTACTED,
            ComplaintStatus.INVESTIGATED,
            ComplaintStatus.ANALYSED,
            ComplaintStatus.RECTIFIED,
            ComplaintStatus.ANSWERED,
            Status.CLOSED,
        ),
        entries=ENTRIES,
        # The return visit is the backbone's (services.visits): the customer rates the answer through the link
        # sent with it, or staff record a telephone visit; the rating moves the loop on (actions.on_rated).
        rated_in=frozenset({ComplaintStatus.ANSWERED, Status.CLOSED}),
        on_rated=actions.on_rated,
        tools=TOOLS + library_registry.TOOLS,
        kiosk=kiosk_filing(COMPLAINT, _("Make a complaint")),
    ),
    _kind(
        MISCONDUCT_REPORT,
        _("Report of misconduct"),
        MISCONDUCT_TRANSITIONS,
        (Status.NEW, ComplaintStatus.INVESTIGATED, ComplaintStatus.ANSWERED, Status.CLOSED),
    ),
    _kind(
        OPINION,
        _("Opinion"),
        LIGHT_TRANSITIONS,
        (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED),
        kiosk=kiosk_filing(OPINION, _("Give an opinion")),
    ),
    _kind(
        SUGGESTION,
        _("Suggestion"),
        LIGHT_TRANSITIONS,
        (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED),
        kiosk=kiosk_filing(SUGGESTION, _("Make a suggestion")),
    ),
    _kind(PRAISE, _("Praise"), LIGHT_TRANSITIONS, (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED)),
)
