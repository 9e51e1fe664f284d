"""One tap, one request: a POST retried with the same key is answered as the first was, and changes nothing.

The API takes an `Idempotency-Key` header on every POST that opens or changes something (`idempotent`, a
decorator for DRF handlers); the pages put a one-time token in their new-request forms (services.views
.new_request), so a double-clicked form opens one request. The kiosk API of the outlets app uses the same
`once()`. Keys are kept for a day (purge_expired, beat), long enough for any client's retries.

The key's row is written in the transaction that does the work (see IdempotencyKey): a retry that races the
first request waits on the unique index and then replays its answer; a failed first request kept nothing.
Only successful answers are kept: after a 400 the client may correct the request and send it with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from services.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=1)
# Printable ASCII without spaces: a UUID, a ULID or the kiosk's own counter all fit.
KEY_FORMAT = re.compile(r"[!-~]{1,100}")


class AlreadyDone(Exception):
    """The key was used for this same request: its stored answer is `record`."""

    def __init__(self, record: IdempotencyKey) -> None:
        self.record = record
        super().__init__(record.key)


class KeyReused(Exception):
    """The key was used for a different request (another path or body): 422, nothing done."""


def fingerprint(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def once(*, owner: str, key: str, fingerprint: str) -> Iterator[IdempotencyKey]:
    """Run the body once per (owner, key), in one transaction with the key's row, which the body fills in.

    Raises AlreadyDone (with the first answer) or KeyReused before the body runs if the key was used. An
    exception from the body rolls everything back, the key included.
    """
    with transaction.atomic():
        record = _claim(owner=owner, key=key, fingerprint=fingerprint)
        if record is None:
            stored = IdempotencyKey.objects.get(owner=owner, key=key)
            if stored.fingerprint != fingerprint:
                raise KeyReused
            raise AlreadyDone(stored)
        yield record


def _claim(*, owner: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key's row, or find it taken: None. One statement, `INSERT … ON CONFLICT DO NOTHING`.

    A retry racing the first request waits in its INSERT for the first's transaction: if that commits, the row is
    there and the retry reads it; if it rolls back, the retry's row goes in. A plain INSERT needed a savepoint
    around it to survive the unique violation: two round trips more on every idempotent POST.
    """
    record = IdempotencyKey(owner=owner, key=key, fingerprint=fingerprint, created_at=timezone.now())
    fields = [
        IdempotencyKey._meta.get_field(name) for name in ("owner", "key", "fingerprint", "location", "created_at")
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(IdempotencyKey._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(IdempotencyKey._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields])
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    record.pk = inserted[0]
    record._state.adding = False
    return record


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Make a DRF POST handler answer a retry with the same Idempotency-Key as it answered the first time."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not KEY_FORMAT.fullmatch(key):
            raise exceptions.ValidationError({HEADER: [_("Use 1 to 100 printable characters with no spaces.")]})
        owner = f"user:{request.user.pk}"
        print_ = fingerprint(request.path, request.data)
        return answer_once(
            owner=owner, key=key, fingerprint=print_, respond=lambda: handler(view, request, *args, **kwargs)
        )

    return wrapper


def answer_once(*, owner: str, key: str, fingerprint: str, respond: Callable[[], Response]) -> Response:
    """Answer with `respond()` the first time (owner, key) is seen, and with that first answer every time after.

    For the API's `idempotent` and the kiosk API's (outlets.kiosk.idempotency). Only a success is kept: a failed
    answer rolls the key back with the work.
    """
    try:
        with once(owner=owner, key=key, fingerprint=fingerprint) as record:
            response = respond()
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            record.status_code, record.response = response.status_code, response.data
            record.save(update_fields=["status_code", "response"])
    except AlreadyDone as done:
        return Response(done.record.response, status=done.record.status_code, headers={"Idempotent-Replayed": "true"})
    except KeyReused as reused:
        raise UnprocessableKey from reused
    return response


class UnprocessableKey(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used for a different request.")
    default_code = "idempotency_key_reused"


def purge_expired() -> int:
    """Forget keys older than KEPT_FOR."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
