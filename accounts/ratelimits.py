"""Rate limits on sign-up, password reset and password change, counted in database rows (RateLimitHit).

Each limit is settings.RATE_LIMITS[scope] = (how many, in what window). A view asks `is_limited` before it
acts and calls `hit` for each counted request; what counts is the view's decision (every sign-up form sent,
every reset asked for, every wrong old password). The answer to a limited request is the form again with
`refusal_message()` and HTTP 429.

A per-user write limit that pages and API share (an app's writes: in-sale filings, inspections, the case
library) is `allow_write(scope, user)` on the pages and a `UserWriteThrottle` subclass naming the scope on the
API, so both count the same rows.
"""

import hashlib
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.models import RateLimitHit, User


def _limit(scope: str) -> tuple[int, timedelta]:
    return settings.RATE_LIMITS[scope]


def _digest(key: str) -> str:
    return hashlib.sha256(key.strip().lower().encode()).hexdigest()


def is_limited(scope: str, key: str) -> bool:
    """Whether `key` used up its allowance of `scope` in the current window."""
    limit, window = _limit(scope)
    since = timezone.now() - window
    return RateLimitHit.objects.filter(scope=scope, key=_digest(key), hit_at__gte=since).count() >= limit


def hit(scope: str, key: str) -> None:
    """Count one request of `scope` for `key`."""
    RateLimitHit.objects.create(scope=scope, key=_digest(key), hit_at=timezone.now())


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in lockout reads it (PROXY_COUNT, X-Forwarded-For)."""
    return get_client_ip_address(request) or ""


def refusal_message(scope: str) -> str:
    minutes = int(_limit(scope)[1].total_seconds() // 60)
    return _("Too many attempts. Please try again in %(minutes)d minutes, or call the 95598 hotline.") % {
        "minutes": minutes
    }


def allow_write(scope: str, user: User | AnonymousUser) -> bool:
    """Count one write of `scope` by the user; False once the user's allowance for the window is used up."""
    key = f"user:{user.pk}"
    if is_limited(scope, key):
        return False
    hit(scope, key)
    return True


class UserWriteThrottle(BaseThrottle):
    """The API's side of a per-user write limit (a subclass names its `scope`): reads are not counted."""

    scope = ""

    def allow_request(self, request: Request, view: APIView) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or allow_write(self.scope, request.user)

    def wait(self) -> float:
        return _limit(self.scope)[1].total_seconds()
