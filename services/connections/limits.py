"""The filing limit on new connections, changes of use and document uploads: pages and API count the same rows.

Each filing or upload counts one hit per user (accounts.ratelimits): a customer's against
settings.RATE_LIMITS["connection_filing"], generous for a real applicant (documents come in a few rounds at
most) and short of a script filling the outbox and the file store; a member of staff's, who files the counter's
paper applications all day, against the larger "connection_counter". Past the limit the page answers 429 with
a message and the API 429.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts import ratelimits
from accounts.models import User

SCOPE = "connection_filing"
COUNTER_SCOPE = "connection_counter"


def scope_of(user: User | AnonymousUser) -> str:
    return COUNTER_SCOPE if user.is_authenticated and user.is_employee else SCOPE


def allow(user: User | AnonymousUser) -> bool:
    """Count one write by the user; False once the user's allowance for the window is used up."""
    return ratelimits.allow_write(scope_of(user), user)


def refusal_message(user: User | AnonymousUser) -> str:
    return ratelimits.refusal_message(scope_of(user))


class FilingThrottle(ratelimits.UserWriteThrottle):
    """The API's side of the same limit: reads are not counted."""

    scope = SCOPE

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.scope = scope_of(request.user)
        return super().allow_request(request, view)
