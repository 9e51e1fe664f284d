"""Bill arithmetic against hand-computed bills: tier boundaries (annual and monthly), peak/valley splits,
rounding to the fen, and the year starting again in January."""

from datetime import date
from decimal import Decimal as D

import pytest

from services.tariffs import pricing
from services.tariffs.models import Tariff
from services.tariffs.pricing import Usage


def tariff(code: str) -> tuple[Tariff, list]:
    found = Tariff.objects.prefetch_related("tiers").get(code=code)
    return found, list(found.tiers.all())


def amounts(code: str, usage: list[Usage], **kwargs) -> list[D]:
    t, tiers = tariff(code)
    return [bill.amount for bill in pricing.bills(t, tiers, usage, **kwargs)]


@pytest.mark.django_db
def test_zhejiang_flat_tiers_cross_the_annual_boundary_inside_a_month():
    # Jan 2700 kWh: all tier 1 → 2700 × 0.538 = 1452.60. Feb 100 kWh: 60 at 0.538 + 40 at 0.588 = 32.28 + 23.52.
    usage = [Usage(date(2026, 1, 1), D(2700)), Usage(date(2026, 2, 1), D(100))]
    assert amounts("ZJ-RES-TIER", usage) == [D("1452.60"), D("55.80")]


@pytest.mark.django_db
def test_zhejiang_crosses_into_the_third_tier_and_january_starts_again():
    # Nov 4700 (2760 × 0.538 + 1940 × 0.588 = 1484.88 + 1140.72 = 2625.60);
    # Dec 300: 100 × 0.588 + 200 × 0.838 = 58.80 + 167.60 = 226.40; Jan next year 300 × 0.538 = 161.40.
    usage = [Usage(date(2025, 11, 1), D(4700)), Usage(date(2025, 12, 1), D(300)), Usage(date(2026, 1, 1), D(300))]
    assert amounts("ZJ-RES-TIER", usage) == [D("2625.60"), D("226.40"), D("161.40")]


@pytest.mark.django_db
def test_zhejiang_time_of_use_prices_the_metered_split():
    # 300 kWh, 120 in the valley: 180 × 0.568 + 120 × 0.288 = 102.24 + 34.56 = 136.80.
    assert amounts("ZJ-RES-TOU", [Usage(date(2026, 3, 1), D(300), D(120))]) == [D("136.80")]


@pytest.mark.django_db
def test_time_of_use_across_a_tier_boundary_splits_each_slice_in_the_months_proportion():
    # Jan 2700 (valley 900): 1800 × 0.568 + 900 × 0.288 = 1022.40 + 259.20 = 1281.60.
    # Feb 100 (valley 25, so 75 % peak): tier 1 60 kWh → 45 × 0.568 + 15 × 0.288 = 25.56 + 4.32 = 29.88;
    # tier 2 40 kWh → 30 × 0.618 + 10 × 0.338 = 18.54 + 3.38 = 21.92; month 51.80.
    usage = [Usage(date(2026, 1, 1), D(2700), D(900)), Usage(date(2026, 2, 1), D(100), D(25))]
    assert amounts("ZJ-RES-TOU", usage) == [D("1281.60"), D("51.80")]


@pytest.mark.django_db
def test_a_month_without_a_metered_split_assumes_the_valley_share():
    # 100 kWh, 30 % valley assumed: 70 × 0.568 + 30 × 0.288 = 39.76 + 8.64 = 48.40.
    assert amounts("ZJ-RES-TOU", [Usage(date(2026, 3, 1), D(100))]) == [D("48.40")]


@pytest.mark.django_db
def test_beijing_counts_each_month_on_its_own_and_rounds_to_the_fen():
    # 450 kWh: 240 × 0.4883 + 160 × 0.5383 + 50 × 0.7883 = 117.192 + 86.128 + 39.415 = 242.735 → 242.74.
    # Next month 241: 240 × 0.4883 + 1 × 0.5383 = 117.192 + 0.5383 = 117.7303 → 117.73.
    usage = [Usage(date(2026, 7, 1), D(450)), Usage(date(2026, 8, 1), D(241))]
    assert amounts("BJ-RES-TIER", usage) == [D("242.74"), D("117.73")]


@pytest.mark.django_db
def test_shanghai_first_tier_ends_at_3120_kwh():
    # 3200 in one month: 3120 × 0.617 + 80 × 0.667 = 1925.04 + 53.36 = 1978.40.
    assert amounts("SH-RES-TIER", [Usage(date(2026, 1, 1), D(3200))]) == [D("1978.40")]


def test_moving_use_to_the_valley_never_moves_more_than_the_month():
    moved = pricing.shifted([Usage(date(2026, 1, 1), D(100), D(90))], D("0.20"))
    assert moved[0].valley == D(100)
