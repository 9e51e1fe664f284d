"""Three deliveries of one callback and a counter payment at the same moment on one bill: each payment is
credited once, and the bill is settled once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from billing import actions, callbacks
from billing.gateways import SandboxGateway
from billing.models import Bill, EntryKind, LedgerEntry
from billing.run import run_bills
from tests.billing.conftest import read
from tests.threads import run_together


@pytest.fixture
def reference_data(transactional_db) -> None:
    """A transactional test's flush empties the migrations' rows (tariffs, rules): they are put back."""
    import_module("services.tariffs.migrations.0002_default_tariffs").load(apps, None)
    import_module("billing.migrations.0002_rules_and_business_tariffs").load(apps, None)


@pytest.mark.django_db(transaction=True)
def test_parallel_callbacks_and_a_counter_payment_credit_exactly_what_was_paid(
    reference_data, alice, charlie, on_postgresql
):
    if not on_postgresql:
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    home = alice.linked_accounts.get()
    read(home, date(2026, 10, 1), "230.00")
    run_bills(date(2026, 10, 1))
    payment = actions.start_payment(home, by=alice, amount=Decimal("123.74"), channel="web")
    body, signature = SandboxGateway().pay(payment, succeed=True)
    deliver = lambda: callbacks.receive(SandboxGateway(), body, signature)  # noqa: E731
    counter = lambda: actions.record_counter_payment(home, by=charlie, amount=Decimal("50.00"))  # noqa: E731

    assert run_together([deliver, deliver, deliver, counter]) == []

    credits = LedgerEntry.objects.filter(account=home, kind=EntryKind.PAYMENT).values_list("amount", flat=True)
    assert sorted(credits) == [Decimal("50.00"), Decimal("123.74")]
    assert Bill.objects.get(account=home).paid_on is not None
