"""The measures the dashboards know: each app registers its own (code, label, unit, direction, its SQL source).

A measure's `source` is one SELECT giving, per event, the columns

    key, day, department_id, grid_id, person_id, num, den

for the events of [%(since)s, %(until)s) (two timestamps). dashboards.rollups sums them per day into
DailyFigure rows: per department always, per 台区 and per person when `levels` says so. The SELECT is written
with dashboards.dialect's helpers (local day, minutes between two times) so it runs on PostgreSQL and SQLite.

    # billing/dashboard_measures.py (found by autodiscover(); billing imports nothing of dashboards)
    MEASURES = [{"code": "fee_recovery", "label": _("Fee recovery"), "unit": "percent", "section": "billing",
                 "source": lambda d: f"SELECT '' AS key, {d.day('p.paid_at')} AS day, …", "levels": "dg"}]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit(TextChoices):
    PERCENT = "percent", _("%")  # 100 × num / den
    MINUTES = "minutes", _("min")  # num / den (total minutes / events)
    DAYS = "days", _("days")  # num / den (total days / events)
    COUNT = "count", _("count")  # num
    PER_10K = "per_10k", _("per 10,000 customers")  # 10,000 × num / the customers in scope
    HOURS = "hours", _("customer-hours")  # num


class Section(TextChoices):
    TIME = "time", _("Time limits")
    REPAIR = "repair", _("Repair")
    SATISFACTION = "satisfaction", _("Satisfaction")
    COMPLAINTS = "complaints", _("Complaints")
    CHANNELS = "channels", _("Channels and halls")
    SUPPLY = "supply", _("Supply quality")
    STAFF = "staff", _("Staff")


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    unit: str
    section: str  # one of Section, or an app's own (its measures then show under "More figures")
    source: Callable[[object], str]  # dialect → SQL (see the module's docstring)
    higher_is_better: bool = True
    levels: str = "d"  # "d" department; add "g" (台区) and/or "p" (person) for the scorecards
    drill: Callable[[str], str] | None = None  # key → the URL of the list behind the figure
    keys: Callable[[], dict[str, str]] | None = None  # key → its label, for a breakdown
    name_key: Callable[[str], str] | None = None  # or a function naming one key

    def value(self, num: Decimal, den: Decimal, customers: int = 0) -> Decimal | None:
        """The figure from its summed numerator and denominator (None when there is nothing to measure)."""
        if self.unit in (Unit.COUNT, Unit.HOURS):
            return num.quantize(Decimal("0.1"))
        if self.unit == Unit.PER_10K:
            return (10000 * num / customers).quantize(Decimal("0.01")) if customers else None
        if not den:
            return None
        scale = 100 if self.unit == Unit.PERCENT else 1
        return (scale * num / den).quantize(Decimal("0.01"))

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label)

    def meets(self, actual: Decimal, target: Decimal) -> bool:
        return actual >= target if self.higher_is_better else actual <= target

    def key_label(self, key: str) -> str:
        if not key:
            return str(self.label)
        if self.name_key:
            return self.name_key(key)
        return str((self.keys() if self.keys else {}).get(key, key))


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> None:
    """Add a measure (from an AppConfig.ready()); registering the same code twice keeps the first."""
    MEASURES.setdefault(measure.code, measure)


DISCOVERED = "dashboard_measures"


def autodiscover() -> None:
    """Register the MEASURES of every installed app's `dashboard_measures` module (plain dicts of Measure's
    fields, or Measure objects): an app to the right of `dashboards` adds figures without importing it."""
    for config in apps.get_app_configs():
        name = f"{config.name}.{DISCOVERED}"
        try:
            module = import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        for row in getattr(module, "MEASURES", []):
            register(row if isinstance(row, Measure) else Measure(**_fields(row)))


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "unit": Unit(row["unit"]).value}


def get(code: str) -> Measure | None:
    return MEASURES.get(code)


def in_section(section: str) -> list[Measure]:
    return [measure for measure in MEASURES.values() if measure.section == section]
