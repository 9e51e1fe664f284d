"""The bill run against bills computed by hand: tier boundaries, a tariff change mid-year, a leap year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import time_machine

from accounts.models import ElectricityAccount
from billing import ledger
from billing.models import Band, Bill, BillLine, BillRun, LedgerEntry
from billing.run import due_on, run_bills
from services.tariffs import pricing
from services.tariffs.models import Tariff, TariffTier
from tests.billing.conftest import read

D = Decimal


def test_a_month_inside_tier_one_is_kwh_times_the_first_price(home):
    read(home, date(2026, 1, 1), "230.00")
    run_bills(date(2026, 1, 1))
    bill = Bill.objects.get(account=home)
    assert bill.amount == D("123.74")  # 230 × 0.538 = 123.74
    assert bill.due_on == date(2026, 2, 25)
    assert LedgerEntry.objects.get(bill=bill).amount == D("-123.74")


def test_the_month_that_crosses_the_annual_tier_boundary_splits_its_kwh(home):
    read(home, date(2026, 1, 1), "2700.00")
    read(home, date(2026, 2, 1), "100.00")
    run_bills(date(2026, 1, 1))
    run_bills(date(2026, 2, 1))
    february = Bill.objects.get(account=home, period=date(2026, 2, 1))
    # 60 kWh left in tier 1 at 0.538 = 32.28; 40 kWh in tier 2 at 0.588 = 23.52; 55.80.
    assert february.amount == D("55.80")
    lines = list(BillLine.objects.filter(bill=february).values_list("tier", "kwh", "amount"))
    assert lines == [(1, D("60.0000"), D("32.280000")), (2, D("40.0000"), D("23.520000"))]


def test_time_of_use_splits_each_tier_by_the_metered_valley_share(home):
    home.tariff_code = "ZJ-RES-TOU"
    home.save(update_fields=["tariff_code"])
    read(home, date(2026, 3, 1), "200.00", valley="50.00")
    run_bills(date(2026, 3, 1))
    bill = Bill.objects.get(account=home)
    # peak 150 × 0.568 = 85.20; valley 50 × 0.288 = 14.40; 99.60.
    assert bill.amount == D("99.60")
    assert sorted(bill.lines.values_list("band", "kwh")) == [(Band.PEAK, D("150.0000")), (Band.VALLEY, D("50.0000"))]


def test_time_of_use_without_a_split_assumes_the_tariff_guides_valley_share(home):
    home.tariff_code = "ZJ-RES-TOU"
    home.save(update_fields=["tariff_code"])
    read(home, date(2026, 3, 1), "123.45")
    run_bills(date(2026, 3, 1))
    # 123.45 × (0.7 × 0.568 + 0.3 × 0.288) = 123.45 × 0.484 = 59.7498 → 59.75
    assert Bill.objects.get(account=home).amount == D("59.75")
    tariff = Tariff.objects.get(code="ZJ-RES-TOU")
    usage = [pricing.Usage(date(2026, 3, 1), D("123.45"))]
    assert pricing.bills(tariff, list(tariff.tiers.all()), usage)[0].amount == D("59.75")


def test_a_tariff_change_mid_year_prices_july_at_the_new_rate_counting_the_whole_year(home):
    old = Tariff.objects.get(code="ZJ-RES-TIER")
    old.effective_to = date(2024, 6, 30)
    old.save()
    new = Tariff.objects.create(
        code="ZJ-RES-TIER", province="ZJ", province_name="浙江", name="new", structure="tiered", period="annual",
        effective_from=date(2024, 7, 1),
    )  # fmt: skip
    for number, up_to, price in ((1, 2760, "0.600"), (2, 4800, "0.650"), (3, None, "0.900")):
        TariffTier.objects.create(tariff=new, number=number, up_to_kwh=up_to, price=D(price))
    for month in range(1, 7):
        read(home, date(2024, month, 1), "450.00")  # 2,700 by the end of June
    read(home, date(2024, 7, 1), "100.00")
    for month in range(1, 8):
        run_bills(date(2024, month, 1))
    july = Bill.objects.get(account=home, period=date(2024, 7, 1))
    # 60 kWh at the new tier 1 (0.600) = 36.00; 40 at the new tier 2 (0.650) = 26.00; 62.00.
    assert july.amount == D("62.00")
    assert july.tariff == new
    assert Bill.objects.get(account=home, period=date(2024, 6, 1)).amount == D("242.10")  # 450 × 0.538


def test_february_of_a_leap_year_is_billed_and_falls_due_in_march(home):
    read(home, date(2024, 2, 1), "290.00")
    run_bills(date(2024, 2, 1))
    bill = Bill.objects.get(account=home)
    assert bill.amount == D("156.02")  # 290 × 0.538
    assert due_on(date(2024, 1, 1)) == date(2024, 2, 25)
    assert bill.due_on == date(2024, 3, 25)


def test_the_last_tier_is_open_ended_and_a_year_starts_again_in_january(home):
    read(home, date(2025, 12, 1), "5000.00")
    read(home, date(2026, 1, 1), "10.00")
    run_bills(date(2025, 12, 1))
    run_bills(date(2026, 1, 1))
    december = Bill.objects.get(account=home, period=date(2025, 12, 1))
    # 2760 × 0.538 + 2040 × 0.588 + 200 × 0.838 = 1484.88 + 1199.52 + 167.60 = 2852.00
    assert december.amount == D("2852.00")
    assert Bill.objects.get(account=home, period=date(2026, 1, 1)).amount == D("5.38")


def test_running_a_period_again_changes_nothing(home):
    read(home, date(2026, 1, 1), "230.00")
    run_bills(date(2026, 1, 1))
    before = list(Bill.objects.values_list("pk", "amount")), LedgerEntry.objects.count(), BillLine.objects.count()
    run_bills(date(2026, 1, 1))
    after = list(Bill.objects.values_list("pk", "amount")), LedgerEntry.objects.count(), BillLine.objects.count()
    assert before == after
    assert BillRun.objects.get().bills == 1


def test_a_run_that_stopped_resumes_after_the_last_chunk_it_committed(home, bob):
    read(home, date(2026, 1, 1), "100.00")
    other = bob.linked_accounts.get()
    read(other, date(2026, 1, 1), "100.00")
    BillRun.objects.create(period=date(2026, 1, 1), started_at="2026-02-01T00:00Z", last_account_id=home.pk)
    run_bills(date(2026, 1, 1), chunk=1)
    assert list(Bill.objects.values_list("account", flat=True)) == [other.pk]  # alice's was before the stop
    run_bills(date(2026, 1, 1), chunk=1)  # a finished run starts from the beginning again: alice's is billed
    assert Bill.objects.count() == 2


def test_a_chunk_holds_that_many_accounts_however_sparse_their_ids(home):
    far = ElectricityAccount.objects.get(pk=home.pk)
    far.pk, far.number, far.linked_user, far.linked_at = home.pk + 10_000, "3300009999", None, None
    far.save(force_insert=True)
    read(home, date(2026, 1, 1), "100.00")
    read(far, date(2026, 1, 1), "100.00")
    chunks = []
    run_bills(date(2026, 1, 1), chunk=1, progress=chunks.append)
    assert chunks == [1, 1]  # one transaction per account, none for the 9,999 ids between them
    assert set(Bill.objects.values_list("account", flat=True)) == {home.pk, far.pk}


def test_a_prepaid_account_in_credit_has_its_bill_settled_by_the_run(home):
    home.is_prepaid = True
    home.save(update_fields=["is_prepaid"])
    LedgerEntry.objects.create(account=home, kind="adjustment", amount=D("200.00"), note="top-up")
    read(home, date(2026, 1, 1), "230.00")
    with time_machine.travel("2026-02-03 09:00 +0800"):
        run_bills(date(2026, 1, 1))
    assert Bill.objects.get(account=home).paid_on == date(2026, 2, 3)
    assert ledger.balance(home) == D("76.26")
