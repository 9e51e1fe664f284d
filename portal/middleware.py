"""A clean 503 while the database (or Redis, where a request needs it) cannot be reached.

While PostgreSQL restarts every request fails with a connection error; Django would answer each with its 500
page and log a traceback per request, for an outage /healthz already reports. This middleware answers instead
with a short "briefly unavailable, please try again" page in the visitor's language (JSON `{"detail": ...}`
for the API and for clients that ask for JSON: the kiosks' retry logic relies on it), with `Retry-After`, and
logs one line per outage per process rather than a traceback per request.

It catches the failure in two places, because Django turns an exception into a response at the layer where it
is raised:
- in the view, including template rendering and DRF views (DRF re-raises what is not an APIException), by
  `process_exception`, before Django logs anything;
- anywhere else (a session saved by SessionMiddleware on the way out, a user loaded by another middleware),
  where Django has already made its 500: the `got_request_exception` receiver marks the request, and the
  middleware, first in MIDDLEWARE, swaps the 500 for the 503. `QuietRequestLog` keeps Django's traceback of it
  out of the log.

Both pages are rendered without a request context: context processors and the session may need the very
database that is down (templates/503.html stands alone, like 500.html).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What "a service this request needs does not answer" looks like. A statement timeout is a psycopg
# QueryCanceled, an OperationalError: a database too slow to answer is unavailable too.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerOperationalError,
)
RETRY_AFTER_SECONDS = 10  # a restart of PostgreSQL or Redis takes seconds; the kiosks wait this long
LOG_EVERY_SECONDS = 60  # during a long outage, one reminder line a minute per process
MARK = "_portal_unavailable_error"
STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")  # the attribute the signal receiver sets on a failed request


@dataclass
class Outage:
    """What this process has seen of the current outage, for one log line per outage rather than per request."""

    started_at: float
    logged_at: float
    failures: int = 1


class OutageLog:
    """Rate-limited logging of an outage, per process: the first failure, a reminder a minute, the recovery."""

    def __init__(self, every: float = LOG_EVERY_SECONDS) -> None:
        self.every = every
        self.outage: Outage | None = None
        self.lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            if self.outage is None:
                self.outage = Outage(started_at=now, logged_at=now)
                logger.warning("Service unavailable, answering 503: %s: %s", type(error).__name__, error)
                return
            self.outage.failures += 1
            if now - self.outage.logged_at >= self.every:
                self.outage.logged_at = now
                logger.warning(
                    "Service still unavailable after %.0f s, %d requests answered 503: %s: %s",
                    now - self.outage.started_at,
                    self.outage.failures,
                    type(error).__name__,
                    error,
                )

    def succeeded(self) -> None:
        if self.outage is None:  # the common case, read without the lock
            return
        with self.lock:
            if self.outage is None:
                return
            outage, self.outage = self.outage, None
        logger.warning(
            "Service available again after %.1f s; %d requests answered 503",
            time.monotonic() - outage.started_at,
            outage.failures,
        )


outage_log = OutageLog()


def wants_json(request: HttpRequest) -> bool:
    """The API and clients that ask for JSON (kiosks) get JSON; browsers get the page."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503, in the visitor's language as the cookie or the browser says, built without the database."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if wants_json(request):
            detail = gettext("The service is briefly unavailable. Please try again in a few seconds.")
            response: HttpResponse = JsonResponse({"detail": detail}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Content-Language"] = language
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django logs every 5xx it returns; this outage is logged once, by OutageLog.
    response._has_been_logged = True  # the flag django.utils.log.log_response reads
    return response


@receiver(got_request_exception)
def mark_unavailable(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Remember on the request that it failed for want of a service, for the middleware to answer 503."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, UNAVAILABLE_ERRORS):
        setattr(request, MARK, error)


class ServiceUnavailableMiddleware:
    """Answer 503 with Retry-After when a service the request needs is unreachable; first in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, MARK, None)
        if error is not None:  # failed in another middleware: Django made a 500 of it
            outage_log.failed(error)
            return unavailable_response(request)
        if response.status_code < 500 and not request.path.startswith(STATIC_PREFIX):
            outage_log.succeeded()  # a static file served by WhiteNoise proves nothing about the database
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE_ERRORS):
            return None
        outage_log.failed(exception)
        return unavailable_response(request)


class QuietRequestLog(logging.Filter):
    """Keep django.request to one line per problem: no traceback for a 403, none for an outage.

    A PermissionDenied is a refusal, not a crash: its traceback only hides real errors. An unreachable service
    is logged once per outage by OutageLog, so Django's record of the 500 the middleware turns into a 503 is
    dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, UNAVAILABLE_ERRORS):
            return False
        if isinstance(error, PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
