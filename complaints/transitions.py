"""The workflows of this app's kinds, as data: each status → the statuses it may move to.

services.actions.change_status checks every move against these tables (a refused move is a 409). A complaint
walks the whole closed loop; a report of misconduct is investigated, answered and may be assessed; an opinion,
a suggestion and a praise are answered (acknowledged) and closed.
"""

from __future__ import annotations

from complaints.models import ComplaintStatus as C
from services.models import Status as S

COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    # Accepted (new, or routed to a handler): the handler contacts the customer first.
    S.NEW: frozenset({S.ASSIGNED, C.CONTACTED, S.CANCELLED}),
    S.ASSIGNED: frozenset({C.CONTACTED, S.CANCELLED}),
    C.CONTACTED: frozenset({C.INVESTIGATED}),
    C.INVESTIGATED: frozenset({C.ANALYSED}),
    # At fault: rectify. Not the company's responsibility: answer (the reply explains) and close as such.
    C.ANALYSED: frozenset({C.RECTIFIED, C.ANSWERED}),
    # A second person approves (verified) or sends it back to be analysed again.
    C.RECTIFIED: frozenset({C.VERIFIED, C.INVESTIGATED}),
    C.VERIFIED: frozenset({C.ANSWERED}),
    # The return visit: satisfied, or the complaint reopens to investigation.
    C.ANSWERED: frozenset({C.VISITED, C.INVESTIGATED}),
    C.VISITED: frozenset({C.ASSESSED, S.CLOSED}),
    C.ASSESSED: frozenset({S.CLOSED}),
}

MISCONDUCT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, C.INVESTIGATED, S.CANCELLED}),
    S.ASSIGNED: frozenset({C.INVESTIGATED, S.CANCELLED}),
    C.INVESTIGATED: frozenset({C.ANSWERED}),
    C.ANSWERED: frozenset({C.ASSESSED, S.CLOSED}),
    C.ASSESSED: frozenset({S.CLOSED}),
}

# Opinions, suggestions and praise: acknowledged with a reply, then closed.
LIGHT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, C.ANSWERED, S.CANCELLED}),
    S.ASSIGNED: frozenset({C.ANSWERED, S.CANCELLED}),
    C.ANSWERED: frozenset({S.CLOSED}),
}
