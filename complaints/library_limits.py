"""The write limit on meetings, actions and the case library: pages and API count the same rows.

Every POST that changes something counts one hit per user (accounts.ratelimits, settings.RATE_LIMITS
["complaints_library"]); past the limit the page answers 429 with a message and the API 429 with Retry-After.
Generous for a manager recording a meeting's actions, short of a script hammering the outbox.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts import ratelimits
from accounts.models import User

SCOPE = "complaints_library"


def allow(user: User | AnonymousUser) -> bool:
    """Count one write by the user; False once the user's allowance for the window is used up."""
    return ratelimits.allow_write(SCOPE, user)


def refusal_message() -> str:
    return ratelimits.refusal_message(SCOPE)


class LibraryWriteThrottle(ratelimits.UserWriteThrottle):
    """The API's side of the same limit: reads are not counted."""

    scope = SCOPE
