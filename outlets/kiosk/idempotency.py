"""One tap, one request at a kiosk: every kiosk POST that opens something needs an Idempotency-Key.

The same `services.idempotency.once` as the web's API, keyed by the kiosk (not a user) and fingerprinted with
the path, the body and the customer of the session, so a key reused for another request or another customer
is refused (422). The answer is stored in the transaction that did the work: a reply lost on the way is
replayed to the retry, and a retry racing the first waits for it and replays it (tests/outlets/
test_kiosk_idempotency.py, on PostgreSQL with parallel retries).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from services import idempotency


def kiosk_idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Answer a retry with the same Idempotency-Key as the first time; refuse a POST without a key (400)."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(idempotency.HEADER, "")
        if not idempotency.KEY_FORMAT.fullmatch(key):
            raise exceptions.ValidationError(
                {idempotency.HEADER: [_("Send a key of 1 to 100 printable characters with no spaces.")]}
            )
        session = getattr(request, "kiosk_session", None)
        print_ = idempotency.fingerprint(request.path, request.data, session.customer_id if session else None)
        return idempotency.answer_once(
            owner=f"device:{request.auth.pk}",
            key=key,
            fingerprint=print_,
            respond=lambda: handler(view, request, *args, **kwargs),
        )

    return wrapper
