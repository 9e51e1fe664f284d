"""The write limit on inspection pages and API (settings.RATE_LIMITS["inspections"], per user): generous for an
inspector on a day's round, short of a script hammering the outbox through notices."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts import ratelimits
from accounts.models import User

SCOPE = "inspections"


def allow_write(user: User | AnonymousUser) -> bool:
    key = f"user:{user.pk}"
    if ratelimits.is_limited(SCOPE, key):
        return False
    ratelimits.hit(SCOPE, key)
    return True


def refusal_message() -> str:
    return ratelimits.refusal_message(SCOPE)


class InspectionWriteThrottle(BaseThrottle):
    """The API's side of the same limit; reads are not counted."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or allow_write(request.user)

    def wait(self) -> float:
        return ratelimits._limit(SCOPE)[1].total_seconds()
