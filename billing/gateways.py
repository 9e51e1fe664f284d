"""Payment gateways: the interface a real acquirer's gateway implements, and the sandbox that is the default.

The gateway is named by the BILLING_GATEWAY setting (a dotted path), like the SMS gateway (services.gateways).
A gateway takes the customer to its own page (`checkout_url`), tells us the outcome by a signed callback
(billing.callbacks verifies it with `verify`), keeps its own record of what it charged (`charges`, read by the
daily reconciliation) and gives money back (`refund`).

The sandbox is a real gateway in all but the money: its checkout page (billing.views.sandbox) asks the customer
to pay or cancel, records the charge, and delivers its callback, signed with BILLING_SANDBOX_SECRET, through the
same code as a real acquirer's POST to /api/v1/payments/callback/ — so the demo and the tests walk the real flow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from billing.models import Payment, SandboxCharge

SIGNATURE_HEADER = "X-Gateway-Signature"


class BadSignature(Exception):
    """The callback was not signed by the gateway: ignore it (400)."""


class PaymentGateway:
    name = "gateway"

    def checkout_url(self, payment: Payment) -> str:
        raise NotImplementedError

    def verify(self, body: bytes, signature: str) -> dict:
        """The callback's fields, if `signature` is the gateway's over `body`; raise BadSignature otherwise."""
        raise NotImplementedError

    def charges(self, day: date) -> dict[str, tuple[Decimal, bool]]:
        """The gateway's record for `day`: reference → (amount, succeeded)."""
        raise NotImplementedError

    def refund(self, payment: Payment) -> None:
        raise NotImplementedError


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class SandboxGateway(PaymentGateway):
    """The default: pays nothing, but signs, records and calls back like an acquirer."""

    name = "sandbox"

    def checkout_url(self, payment: Payment) -> str:
        return reverse("billing:sandbox", args=[payment.reference])

    def verify(self, body: bytes, signature: str) -> dict:
        if not hmac.compare_digest(sign(body, settings.BILLING_SANDBOX_SECRET), signature or ""):
            raise BadSignature
        return json.loads(body)

    def pay(self, payment: Payment, *, succeed: bool) -> tuple[bytes, str]:
        """The customer paid (or cancelled) on the sandbox's page: record it, and return the signed callback."""
        charge, _created = SandboxCharge.objects.get_or_create(
            reference=payment.reference,
            defaults={
                "gateway_reference": "SBX" + get_random_string(16, "0123456789ABCDEF"),
                "amount": payment.amount,
                "succeeded": succeed,
                "at": timezone.now(),
            },
        )
        body = json.dumps(
            {
                "reference": charge.reference,
                "gateway_reference": charge.gateway_reference,
                "amount": str(charge.amount),
                "status": "paid" if charge.succeeded else "failed",
            }
        ).encode()
        return body, sign(body, settings.BILLING_SANDBOX_SECRET)

    def charges(self, day: date) -> dict[str, tuple[Decimal, bool]]:
        rows = SandboxCharge.objects.filter(at__date=day)
        return {row.reference: (row.amount, row.succeeded) for row in rows}

    def refund(self, payment: Payment) -> None:
        """The sandbox gives back nothing real; the refund is the ledger's entry and the payment's state."""


def payment_gateway() -> PaymentGateway:
    """The configured gateway, built anew each time so that a changed setting takes effect (and tests can swap it)."""
    return import_string(settings.BILLING_GATEWAY)()
