"""The write limit on inspection pages and API (settings.RATE_LIMITS["inspections"], per user): generous for an
inspector on a day's round, short of a script hammering the outbox through notices."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts import ratelimits
from accounts.models import User

SCOPE = "inspections"


def allow_write(user: User | AnonymousUser) -> bool:
    """Count one write by the user; False once the user's allowance for the window is used up."""
    return ratelimits.allow_write(SCOPE, user)


def refusal_message() -> str:
    return ratelimits.refusal_message(SCOPE)


class InspectionWriteThrottle(ratelimits.UserWriteThrottle):
    """The API's side of the same limit; reads are not counted."""

    scope = SCOPE
