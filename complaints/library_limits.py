"""The write limit on meetings, actions and the case library: pages and API count the same rows.

Every POST that changes something counts one hit per user (accounts.ratelimits, settings.RATE_LIMITS
["complaints_library"]); past the limit the page answers 429 with a message and the API 429 with Retry-After.
Generous for a manager recording a meeting's actions, short of a script hammering the outbox.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts import ratelimits
from accounts.models import User

SCOPE = "complaints_library"


def allow(user: User | AnonymousUser) -> bool:
    """Count one write by the user; False once the user's allowance for the window is used up."""
    key = f"user:{user.pk}"
    if ratelimits.is_limited(SCOPE, key):
        return False
    ratelimits.hit(SCOPE, key)
    return True


def refusal_message() -> str:
    return ratelimits.refusal_message(SCOPE)


class LibraryWriteThrottle(BaseThrottle):
    """The API's side of the same limit: reads are not counted."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return allow(request.user)

    def wait(self) -> float:
        return ratelimits._limit(SCOPE)[1].total_seconds()
