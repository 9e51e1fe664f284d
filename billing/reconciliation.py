"""The daily reconciliation: our payments through the gateway against the gateway's own record of the day."""

from __future__ import annotations

from datetime import date

from billing.gateways import PaymentGateway
from billing.models import Payment, PaymentState, Reconciliation


def reconcile(gateway: PaymentGateway, day: date) -> Reconciliation:
    """Compare the day's payments with the gateway's charges and keep the report (re-running replaces it)."""
    theirs = gateway.charges(day)
    ours = {p.reference: p for p in Payment.objects.filter(gateway=gateway.name, started_at__date=day)}
    mismatches = []
    for reference, payment in ours.items():
        credited = payment.state in (PaymentState.CONFIRMED, PaymentState.REFUNDED)
        amount, succeeded = theirs.get(reference, (None, False))
        if credited and not succeeded:
            mismatches.append(
                {"reference": reference, "problem": "credited_not_charged", "amount": str(payment.amount)}
            )
        elif succeeded and not credited:
            mismatches.append({"reference": reference, "problem": "charged_not_credited", "amount": str(amount)})
        elif succeeded and amount != payment.amount:
            mismatches.append({"reference": reference, "problem": "amount_differs", "amount": str(amount)})
    for reference in theirs.keys() - ours.keys():
        mismatches.append({"reference": reference, "problem": "unknown_payment", "amount": str(theirs[reference][0])})
    report, _created = Reconciliation.objects.update_or_create(
        day=day, gateway=gateway.name, defaults={"checked": len(ours), "mismatches": mismatches}
    )
    return report
