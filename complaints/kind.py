"""The five kinds of this app as the backbone knows them: workflows, clocks, steps, pages and messages.

Each is registered on its own (complaints.apps); the backbone names none of them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints import library_registry
from complaints.models import COMPLAINT, MISCONDUCT_REPORT, OPINION, PRAISE, SUGGESTION, ComplaintStatus
from complaints.routing import route_to_handler
from complaints.transitions import COMPLAINT_TRANSITIONS, LIGHT_TRANSITIONS, MISCONDUCT_TRANSITIONS
from services.kinds import Kind
from services.models import Status

STATUSES = dict(ComplaintStatus.choices)
CLOCKS = {"contact": _("Contact the customer"), "answer": _("Answer the customer")}


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
        progress_aliases={Status.ASSIGNED: Status.NEW},
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
        messages=library_registry.MESSAGES,
        tools=library_registry.TOOLS,
    ),
    _kind(
        MISCONDUCT_REPORT,
        _("Report of misconduct"),
        MISCONDUCT_TRANSITIONS,
        (Status.NEW, ComplaintStatus.INVESTIGATED, ComplaintStatus.ANSWERED, Status.CLOSED),
    ),
    _kind(OPINION, _("Opinion"), LIGHT_TRANSITIONS, (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED)),
    _kind(SUGGESTION, _("Suggestion"), LIGHT_TRANSITIONS, (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED)),
    _kind(PRAISE, _("Praise"), LIGHT_TRANSITIONS, (Status.NEW, ComplaintStatus.ANSWERED, Status.CLOSED)),
)
