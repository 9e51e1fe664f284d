"""The gateway's callback: verified by its signature, idempotent (a payment is credited once however many times
the gateway calls), the same code for a real acquirer's POST and the sandbox's delivery."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from billing import actions
from billing.gateways import PaymentGateway
from billing.models import Payment


def receive(gateway: PaymentGateway, body: bytes, signature: str) -> Payment:
    """Apply one callback. Raises gateways.BadSignature, ValidationError (bad fields) or Payment.DoesNotExist."""
    fields = gateway.verify(body, signature)
    try:
        reference, outcome = str(fields["reference"]), str(fields["status"])
        amount = Decimal(str(fields["amount"]))
        gateway_reference = str(fields.get("gateway_reference", ""))
    except (KeyError, InvalidOperation, TypeError) as error:
        raise ValidationError(_("The callback is missing a field or has a bad one.")) from error
    payment = Payment.objects.get(reference=reference, gateway=gateway.name)
    if outcome == "paid":
        return actions.confirm_payment(payment, gateway_reference=gateway_reference, amount=amount)
    return actions.fail_payment(payment, gateway_reference=gateway_reference, note=outcome[:50])
