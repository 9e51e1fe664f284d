"""How a kiosk proves it is one of ours, how its customer's session is carried, and how fast it may call.

- The device: `Authorization: Kiosk <key_id>.<secret>` on every request (KioskAuthentication). Unknown, wrong or
  revoked: 401 with `WWW-Authenticate: Kiosk`, before any view runs. `request.user` is the kiosk's actor and
  `request.auth` the Kiosk.
- The customer: `X-Kiosk-Session: <token>` from POST /api/v1/kiosk/sessions/ (HasCustomerSession). Missing,
  expired, ended or another kiosk's: 403, nothing of the customer shown.
- The rate: settings.KIOSK_RATE per kiosk (KioskRateThrottle), counted in the cache (Redis in production) in
  one round trip.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.models import Customer, User
from outlets.kiosk.actions import digest, secret_matches
from outlets.models import Kiosk, KioskSession, Outlet

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
    found = _read(_KIOSK, [key_id])
    return found[0] if found else None


def _session(token: str, key_id: str, *, writes: bool) -> KioskSession | None:
    if not token:
        return None
    # A read needs only the session and its kiosk. A customer's POST issues a ticket or files a request: the
    # outlet, the actor (`by`) and the customer come in the same query rather than one each.
    found = _read(_WRITE_SESSION if writes else _SESSION, [digest(token), key_id])
    if not found:
        return None
    session, kiosk, *more = found
    KioskSession.kiosk.field.set_cached_value(session, kiosk)
    if more:
        outlet, actor, customer = more
        Kiosk.outlet.field.set_cached_value(kiosk, outlet)
        Kiosk.actor.field.set_cached_value(kiosk, actor)
        KioskSession.customer.field.set_cached_value(session, customer)
    return session


# The reads every kiosk request makes, as SQL composed once from the models' own columns. The ORM compiled the
# same query on every request, and that cost a read more than the query did (bench/README.md, kiosk_load.py,
# "1 December").
_KIOSK = ((Kiosk, "k"),), 'WHERE k."key_id" = %s'
_SESSION = (
    ((KioskSession, "s"), (Kiosk, "k")),
    'WHERE s."kiosk_id" = k."id" AND s."token_digest" = %s AND k."key_id" = %s',
)
_WRITE_SESSION = (
    ((KioskSession, "s"), (Kiosk, "k"), (Outlet, "o"), (User, "u"), (Customer, "c")),
    'WHERE s."kiosk_id" = k."id" AND k."outlet_id" = o."id" AND k."actor_id" = u."id" AND s."customer_id" = c."id" '
    'AND s."token_digest" = %s AND k."key_id" = %s',
)


def _read(query: tuple, params: list[str]) -> list[models.Model]:
    """The one row of `query` as an instance of each of its models (in their order), or [] if none."""
    sql, shapes = _compose(connection.vendor, query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return []
    found, start = [], 0
    for model, names, converters in shapes:
        values = list(row[start : start + len(names)])
        for index, column, convert in converters:
            for converter in convert:
                values[index] = converter(values[index], column, connection)
        found.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
        start += len(names)
    return found


@functools.cache
def _compose(vendor: str, query: tuple) -> tuple[str, list[tuple]]:
    """The SQL of `query` and, per model, its field names and the database's converters (SQLite's datetimes)."""
    tables, where = query
    quote = connection.ops.quote_name
    columns, froms, shapes = [], [], []
    for model, alias in tables:
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{quote(field.column)}" for field in fields]
        froms.append(f"{quote(model._meta.db_table)} {alias}")
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            convert = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if convert:
                converters.append((index, column, convert))
        shapes.append((model, [field.attname for field in fields], converters))
    return f"SELECT {', '.join(columns)} FROM {', '.join(froms)} {where}", shapes


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


class KioskRateThrottle(BaseThrottle):
    """settings.KIOSK_RATE requests per kiosk, counted in fixed windows of the rate's period.

    One counter per kiosk and window, raised in one round trip to Redis (INCR and EXPIRE in a pipeline). DRF's
    sliding window read and rewrote a pickled list of every request's time: two round trips, and a list as long
    as the rate. A fixed window may let a kiosk send up to twice its rate across a window's edge; the limit is
    there to stop a runaway or stolen device, not to meter a fair one. What is not a kiosk is refused before
    it counts.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, Kiosk):
            return True
        limit, period = _rate(settings.KIOSK_RATE)
        now = time.time()
        window = int(now // period)
        self.retry_after = period - now % period
        return _count(f"kiosk-rate:{request.auth.pk}:{window}", period) <= limit

    def wait(self) -> float:
        return self.retry_after


def _rate(rate: str) -> tuple[int, int]:
    """A rate as settings write it, as DRF reads it (s, m, h or d by the period's first letter): 120/min → (120, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def _count(key: str, period: int) -> int:
    """Add one to the counter `key`, kept for `period` seconds after its last use; return its new value."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(key)
        with cache._cache.get_client(key, write=True).pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, period)
            return pipe.execute()[0]
    # The embedded default's cache (one process's memory): two calls, as cheap as one.
    cache.add(key, 0, period)
    return cache.incr(key)


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
