"""The filing limit on new connections, changes of use and document uploads: pages and API count the same rows.

Each filing or upload counts one hit per user (accounts.ratelimits, settings.RATE_LIMITS["connection_filing"]);
past the limit the page answers 429 with a message and the API 429. Generous for a real applicant (documents
come in a few rounds at most), short of a script filling the outbox and the file store.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts import ratelimits
from accounts.models import User

SCOPE = "connection_filing"


def allow(user: User | AnonymousUser) -> bool:
    """Count one write by the user; False once the user's allowance for the window is used up."""
    return ratelimits.allow_write(SCOPE, user)


def refusal_message() -> str:
    return ratelimits.refusal_message(SCOPE)


class FilingThrottle(ratelimits.UserWriteThrottle):
    """The API's side of the same limit: reads are not counted."""

    scope = SCOPE
