"""The billing demo pays its year in rounds of bills (billing.demo.PAY_CHUNK): a million accounts' eleven million
bills must not be held in memory at once, and no bill may be lost or paid twice at a round's edge."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from billing import demo
from billing.models import Bill, EntryKind, LedgerEntry, Payment


@pytest.mark.django_db
def test_the_demo_year_is_paid_in_rounds_without_losing_or_repeating_a_bill(monkeypatch):
    monkeypatch.setattr(demo, "PAY_CHUNK", 7)
    call_command("seed_demo", accounts=40, orders=0, verbosity=0, stdout=StringIO(), stderr=StringIO())
    payments = Payment.objects.filter(reference__startswith="D")
    assert payments.count() > 3 * demo.PAY_CHUNK  # several rounds were paid
    assert not payments.values("bill_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert set(payments.values_list("bill_id", flat=True)) == set(
        Bill.objects.filter(paid_on__isnull=False, payments__reference__startswith="D").values_list("pk", flat=True)
    )
    credits = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, payment__reference__startswith="D")
    assert credits.count() == payments.count()
    assert set(credits.values_list("payment_id", flat=True)) == set(payments.values_list("pk", flat=True))
