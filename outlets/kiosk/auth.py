"""How a kiosk proves it is one of ours, how its customer's session is carried, and how fast it may call.

- The device: `Authorization: Kiosk <key_id>.<secret>` on every request (KioskAuthentication). Unknown, wrong or
  revoked: 401 with `WWW-Authenticate: Kiosk`, before any view runs. `request.user` is the kiosk's actor and
  `request.auth` the Kiosk.
- The customer: `X-Kiosk-Session: <token>` from POST /api/v1/kiosk/sessions/ (HasCustomerSession). Missing,
  expired, ended or another kiosk's: 403, nothing of the customer shown.
- The rate: settings.KIOSK_RATE per kiosk (KioskRateThrottle), counted in the cache (Redis in production).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from outlets.kiosk.actions import digest, secret_matches
from outlets.models import Kiosk, KioskSession

KEYWORD = "Kiosk"
SESSION_HEADER = "X-Kiosk-Session"


class KioskAuthentication(BaseAuthentication):
    """A registered kiosk's key in the Authorization header; anything else claiming to be a kiosk is refused.

    With a customer's session token in X-Kiosk-Session, the session and its kiosk are read in one query (the
    kiosk API's hot path), with the outlet, the actor and the customer for a POST; HasCustomerSession then only
    checks what was read.
    """

    def authenticate(self, request: Request) -> tuple[User, Kiosk] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        key = parts[1].decode("ascii", errors="replace") if len(parts) == 2 else ""
        key_id, _dot, secret = key.partition(".")
        key_id = key_id[:16]
        token = request.headers.get(SESSION_HEADER, "")
        session = _session(token, key_id, writes=request.method == "POST") if key_id and secret else None
        kiosk = session.kiosk if session else _kiosk(key_id) if key_id and secret else None
        if kiosk is None or kiosk.revoked_at is not None or not secret_matches(kiosk, secret):
            raise exceptions.AuthenticationFailed(_("Unknown or revoked kiosk."))
        now = timezone.now()
        live = session is not None and session.ended_at is None and session.expires_at > now
        request.kiosk_session = session if live else None
        if Kiosk.actor.is_cached(kiosk):
            return kiosk.actor, kiosk
        # Otherwise the actor is read only if something needs it as `by`: most kiosk requests are reads.
        return SimpleLazyObject(lambda: User.objects.get(pk=kiosk.actor_id)), kiosk

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="kiosk"'


def _kiosk(key_id: str) -> Kiosk | None:
    return Kiosk.objects.filter(key_id=key_id).first()


def _session(token: str, key_id: str, *, writes: bool) -> KioskSession | None:
    if not token:
        return None
    sessions = KioskSession.objects.select_related("kiosk")
    if writes:
        # A customer's POST issues a ticket or files a request: the outlet, the actor (`by`) and the customer
        # come in the same query rather than one each. A read needs none of them and keeps the narrow join.
        sessions = sessions.select_related("kiosk__outlet", "kiosk__actor", "customer")
    return sessions.filter(token_digest=digest(token), kiosk__key_id=key_id).first()


class IsKiosk(BasePermission):
    """A registered kiosk (the authentication refused anything else already)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, Kiosk):
            raise exceptions.NotAuthenticated(_("Send the kiosk's key: Authorization: Kiosk <key>."))
        return True


class HasCustomerSession(IsKiosk):
    """A kiosk with a live session of a customer who proved who they are at it (found by the authentication)."""

    message = _("The customer's session at this kiosk has ended. Please identify yourself again.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        super().has_permission(request, view)
        return getattr(request, "kiosk_session", None) is not None


def session_of(request: Request) -> KioskSession:
    """The customer's session HasCustomerSession found."""
    return request.kiosk_session


class KioskRateThrottle(SimpleRateThrottle):
    """settings.KIOSK_RATE requests per kiosk; what is not a kiosk is refused before it counts."""

    scope = "kiosk"

    def get_rate(self) -> str:
        return settings.KIOSK_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, Kiosk):
            return None
        return f"throttle_kiosk_{request.auth.pk}"


class KioskAuthenticationScheme(OpenApiAuthenticationExtension):
    """The kiosk's key in the OpenAPI schema: an API key in the Authorization header."""

    target_class = "outlets.kiosk.auth.KioskAuthentication"
    name = "kioskKey"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "A registered kiosk's key, as `Kiosk <key_id>.<secret>`. Shown once when an administrator "
                    "registers the kiosk or rotates its secret; unknown or revoked keys get 401. Customer "
                    "endpoints also need the X-Kiosk-Session header from POST /api/v1/kiosk/sessions/."
                )
            ),
        }
