"""The tariff guide: what a year of use costs under each tariff a customer may choose, and what it means.

`compare_account` prices an account's last 12 months of readings (accounts.MeterReading) under every selectable
residential tariff of its province in effect today; `compare_typed` does the same for a typed monthly kWh (the
public calculator). Both return `Comparison`: the options with their bills, the differences per month and per
year against the current (or first) option, the saving if 20 % of the use moved to the valley hours, and the
cheapest option. A few queries whatever the data: the tariffs with their tiers, and the readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import CustomerClass, ElectricityAccount, MeterReading
from services.tariffs import pricing
from services.tariffs.models import Tariff, TariffTier
from services.tariffs.pricing import MonthBill, Usage

MONTHS = 12
SHIFT = Decimal("0.20")  # "moving 20 % of your use to the valley hours"


@dataclass
class Option:
    tariff: Tariff
    bills: list[MonthBill]
    is_current: bool = False

    @property
    def year(self) -> Decimal:
        return pricing.total(self.bills)


@dataclass
class Comparison:
    usage: list[Usage]
    options: list[Option]
    measured_split: bool  # the readings carry peak/valley kWh; else a share is assumed
    assumed_valley_share: Decimal
    shift_saving: Decimal | None = None  # on the time-of-use option, moving SHIFT of the use to the valley
    rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def baseline(self) -> Option | None:
        return next((o for o in self.options if o.is_current), self.options[0] if self.options else None)

    @property
    def cheapest(self) -> Option | None:
        return min(self.options, key=lambda option: option.year, default=None)

    @property
    def saving(self) -> Decimal:
        """What the cheapest option saves over the baseline in the year (0 when the baseline is cheapest)."""
        return self.baseline.year - self.cheapest.year if self.options else Decimal(0)

    def chart(self) -> dict[str, object]:
        """The data of the chart (static/js/tariff-chart.js): one series of monthly bills per option."""
        return {
            "labels": [f"{usage.period:%Y-%m}" for usage in self.usage],
            "series": [
                {"label": option.tariff.name, "values": [str(bill.amount) for bill in option.bills]}
                for option in self.options
            ],
        }


def options_for(province: str, on: date | None = None) -> list[Tariff]:
    """The selectable residential tariffs of the province in effect on the day, with their tiers (2 queries)."""
    tiers = Prefetch("tiers", queryset=TariffTier.objects.order_by("number"))
    tariffs = Tariff.objects.in_effect(on).filter(province=province, is_selectable=True)
    return list(tariffs.prefetch_related(tiers).order_by("code"))


def province_of(account: ElectricityAccount) -> str:
    return account.tariff_code.split("-", 1)[0]


def may_switch(account: ElectricityAccount) -> bool:
    """Residential accounts in use choose their tariff; others are set by contract."""
    return account.customer_class == CustomerClass.LV_RESIDENTIAL and account.status == "active"


def account_usage(account: ElectricityAccount) -> list[Usage]:
    readings = MeterReading.objects.filter(account=account).order_by("-period")[:MONTHS]
    return sorted(
        (Usage(r.period, r.total_kwh, r.valley_kwh if r.peak_kwh is not None else None) for r in readings),
        key=lambda u: u.period,
    )


def compare_account(account: ElectricityAccount) -> Comparison:
    return compare(account_usage(account), options_for(province_of(account)), current=account.tariff_code)


def compare_typed(province: str, monthly_kwh: Decimal, valley_share: Decimal) -> Comparison:
    """A year of the same typed monthly kWh, starting in January, with the typed valley share."""
    year = timezone.localdate().year
    usage = [Usage(date(year, month, 1), monthly_kwh, monthly_kwh * valley_share) for month in range(1, 13)]
    return compare(usage, options_for(province), current="", assumed=valley_share)


def compare(
    usage: list[Usage], tariffs: list[Tariff], *, current: str, assumed: Decimal = pricing.DEFAULT_VALLEY_SHARE
) -> Comparison:
    options = [
        Option(t, pricing.bills(t, t.tiers.all(), usage, assumed_valley_share=assumed), t.code == current)
        for t in tariffs
    ]
    measured = bool(usage) and all(month.valley is not None for month in usage)
    comparison = Comparison(usage, options, measured, assumed)
    tou = next((option for option in options if option.tariff.is_tou), None)
    if tou is not None and usage:
        moved = pricing.shifted(usage, SHIFT, assumed_valley_share=assumed)
        comparison.shift_saving = tou.year - pricing.total(pricing.bills(tou.tariff, tou.tariff.tiers.all(), moved))
    comparison.rows = _rows(comparison)
    return comparison


def _rows(comparison: Comparison) -> list[dict[str, object]]:
    """The table: per month the kWh, each option's bill and its difference from the baseline."""
    baseline = comparison.baseline
    rows = []
    for index, usage in enumerate(comparison.usage):
        base = baseline.bills[index].amount if baseline else Decimal(0)
        cells = [(o.bills[index].amount, o.bills[index].amount - base) for o in comparison.options]
        rows.append({"period": usage.period, "kwh": usage.total, "cells": cells})
    return rows
