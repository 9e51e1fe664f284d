"""The moves meetings, improvement actions and typical cases may make: transitions as data, checked in one place.

A move not in its table is refused with `Refused` (a 409 in the API, a message on the page).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from complaints.models import ActionStatus, CaseStatus, MeetingStatus

TRANSITIONS: dict[type[models.TextChoices], dict[str, frozenset[str]]] = {
    # Minutes may be amended after the meeting (a late attendee, a corrected conclusion).
    MeetingStatus: {
        MeetingStatus.DRAFT: frozenset({MeetingStatus.HELD}),
        MeetingStatus.HELD: frozenset({MeetingStatus.HELD}),
    },
    ActionStatus: {ActionStatus.OPEN: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})},
    CaseStatus: {
        CaseStatus.DRAFT: frozenset({CaseStatus.DRAFT, CaseStatus.PUBLISHED}),
        CaseStatus.PUBLISHED: frozenset({CaseStatus.WITHDRAWN}),
        CaseStatus.WITHDRAWN: frozenset({CaseStatus.PUBLISHED}),
    },
}


class Refused(Exception):
    """A move its table does not allow from the current status."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def check_move(choices: type[models.TextChoices], current: str, to: str) -> None:
    """Raise Refused unless `choices`' table allows current → to."""
    if to not in TRANSITIONS[choices].get(current, frozenset()):
        raise Refused(
            _("This cannot go from “%(old)s” to “%(new)s”.") % {"old": choices(current).label, "new": choices(to).label}
        )
