"""Bills under a tariff: Decimal arithmetic, each month's bill rounded to the fen as bills are (ROUND_HALF_UP).

A month's kWh are split across the tiers by where the count stands: with annual thresholds the calendar year's
kWh so far (January starts again at zero), with monthly ones the month's own. A time-of-use month prices each
tier's slice at its peak and valley prices in the month's peak/valley proportion; a month without a metered
split assumes `assumed_valley_share` of its use in the valley hours (the explanation says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.tariffs.models import Structure, Tariff, TariffTier, ThresholdPeriod

FEN = Decimal("0.01")
ZERO = Decimal(0)
DEFAULT_VALLEY_SHARE = Decimal("0.30")


@dataclass(frozen=True)
class Usage:
    """One month's consumption: the total, and the valley part where the meter splits it."""

    period: date
    total: Decimal
    valley: Decimal | None = None


@dataclass(frozen=True)
class MonthBill:
    period: date
    kwh: Decimal
    amount: Decimal


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _slices(start: Decimal, kwh: Decimal, tiers: Sequence[TariffTier]) -> list[tuple[TariffTier, Decimal]]:
    """How many of the kWh counted from `start` fall in each tier."""
    slices, position, end = [], start, start + kwh
    for tier in tiers:
        limit = tier.up_to_kwh if tier.up_to_kwh is not None else end
        part = max(min(end, limit) - position, ZERO)
        if part:
            slices.append((tier, part))
            position += part
    return slices


def _valley_share(usage: Usage, assumed: Decimal) -> Decimal:
    if usage.valley is not None and usage.total:
        return min(max(usage.valley / usage.total, ZERO), Decimal(1))
    return assumed


def _price(tariff: Tariff, tier: TariffTier, valley_share: Decimal) -> Decimal:
    if tariff.structure != Structure.TIERED_TOU:
        return tier.price
    return tier.peak_price * (1 - valley_share) + tier.valley_price * valley_share


def bills(
    tariff: Tariff,
    tiers: Sequence[TariffTier],
    usage: Sequence[Usage],
    *,
    assumed_valley_share: Decimal = DEFAULT_VALLEY_SHARE,
) -> list[MonthBill]:
    """Each month's bill under `tariff`, in the order of `usage` (oldest first)."""
    tiers = sorted(tiers, key=lambda tier: tier.number)
    if tariff.structure == Structure.FLAT:
        tiers = tiers[:1]
    result, counted, year = [], ZERO, None
    for month in sorted(usage, key=lambda u: u.period):
        if tariff.period == ThresholdPeriod.MONTHLY or month.period.year != year:
            counted, year = ZERO, month.period.year
        share = _valley_share(month, assumed_valley_share)
        amount = sum((part * _price(tariff, tier, share) for tier, part in _slices(counted, month.total, tiers)), ZERO)
        counted += month.total
        result.append(MonthBill(month.period, month.total, fen(amount)))
    return result


def total(month_bills: Sequence[MonthBill]) -> Decimal:
    return sum((bill.amount for bill in month_bills), ZERO)


def shifted(
    usage: Sequence[Usage], share: Decimal, *, assumed_valley_share: Decimal = DEFAULT_VALLEY_SHARE
) -> list[Usage]:
    """The same months with `share` of each month's use moved from the peak hours to the valley hours."""
    moved = []
    for month in usage:
        valley = _valley_share(month, assumed_valley_share) * month.total
        moved.append(Usage(month.period, month.total, min(valley + share * month.total, month.total)))
    return moved
