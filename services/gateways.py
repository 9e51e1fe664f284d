"""SMS gateways: the interface a real operator's gateway implements, and the default that only records.

The backend is chosen by the SMS_BACKEND setting (a dotted path). The default records each message in the log;
the rendered text is kept on its outbox row (Notification.subject/body) either way.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or failed to take a message; delivery retries it later."""


class SmsBackend:
    """Send one text message to one mobile number; raise SmsError (or any exception) when it was not taken.

    `message_id` is the same for every attempt at one outbox row. Delivery is at least once: if the database
    fails between the gateway taking a message and the row being marked sent, the row is sent again with the
    same id. A backend must pass the id to its operator as the request's idempotency key (or keep the ids it has
    sent for a day and drop a repeat), so that the recipient gets the message once.
    """

    def send(self, phone: str, text: str, *, message_id: str) -> None:
        raise NotImplementedError


class RecordingSmsBackend(SmsBackend):
    """The default: sends nothing, writes the message to the log (development, demo and tests)."""

    def send(self, phone: str, text: str, *, message_id: str) -> None:
        logger.info("SMS %s to %s: %s", message_id, phone, text)


def sms_backend() -> SmsBackend:
    """The configured backend, built anew each time so that a changed setting takes effect (and tests can swap it)."""
    return import_string(settings.SMS_BACKEND)()
