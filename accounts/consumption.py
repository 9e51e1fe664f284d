"""An account's recent consumption as the pages show it: a table, totals and a chart."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import ElectricityAccount, MeterReading

READING_MONTHS = 12


@dataclass
class Consumption:
    """An account's latest monthly readings, oldest first, as the pages show them: a table, totals, a chart."""

    readings: list[MeterReading]

    @property
    def total_kwh(self) -> Decimal:
        return sum((reading.total_kwh for reading in self.readings), Decimal(0))

    @property
    def average_kwh(self) -> Decimal | None:
        return (self.total_kwh / len(self.readings)).quantize(Decimal("0.01")) if self.readings else None

    def chart(self) -> dict:
        """The data of templates/includes/consumption_chart.html, read by static/js/consumption-chart.js."""
        readings = self.readings
        if any(reading.peak_kwh is not None and reading.valley_kwh is not None for reading in readings):
            series = [
                {"key": "peak", "label": _("Peak (kWh)"), "values": [r.peak_kwh or 0 for r in readings]},
                {"key": "valley", "label": _("Valley (kWh)"), "values": [r.valley_kwh or 0 for r in readings]},
                {"key": "other", "label": _("Flat or unsplit (kWh)"), "values": [_unsplit(r) for r in readings]},
            ]
            series = [line for line in series if any(line["values"])]
        else:
            series = [{"key": "total", "label": _("Total (kWh)"), "values": [r.total_kwh for r in readings]}]
        for line in series:
            line["values"] = [str(value) for value in line["values"]]
        return {"labels": [f"{r.period:%Y-%m}" for r in readings], "unit": "kWh", "series": series}


def _unsplit(reading: MeterReading) -> Decimal:
    """The part of a month's total that is neither peak nor valley: all of it on a meter without time-of-use."""
    if reading.peak_kwh is None or reading.valley_kwh is None:
        return reading.total_kwh
    return max(reading.total_kwh - reading.peak_kwh - reading.valley_kwh, Decimal(0))


def recent_consumption(accounts: Iterable[ElectricityAccount]) -> dict[int, Consumption]:
    """The latest twelve monthly readings of each account, in one query however many accounts and readings."""
    ids = [account.pk for account in accounts]
    if len(ids) == 1:
        # One account (a kiosk's usage, most customers' home page): its last twelve through the (account, period)
        # index, without the window function's subquery, which cost more to build than to run.
        latest = MeterReading.objects.filter(account_id=ids[0]).order_by("-period")[:READING_MONTHS]
        return {ids[0]: Consumption(list(latest)[::-1])}
    readings = MeterReading.objects.filter(account_id__in=ids).latest(READING_MONTHS).order_by("account_id", "period")
    by_account: dict[int, list[MeterReading]] = {pk: [] for pk in ids}
    for reading in readings:
        by_account[reading.account_id].append(reading)
    return {pk: Consumption(rows) for pk, rows in by_account.items()}
