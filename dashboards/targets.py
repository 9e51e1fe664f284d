"""Targets (方针目标): the one in force for a unit is its own, else its nearest ancestor's; a 台区's is its own,
else its unit's. Actual against target reads green (met), amber (within 2 % of it) or red."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Department, ServiceGrid
from dashboards import registry
from dashboards.models import Target

AMBER = Decimal("0.02")


def ancestors(unit_id: int) -> list[int]:
    """The unit and the units above it, nearest first (one query over the small department table)."""
    parent_of = dict(Department.objects.values_list("pk", "parent_id"))
    chain = [unit_id]
    while parent_of.get(chain[-1]) is not None and len(chain) < 20:
        chain.append(parent_of[chain[-1]])
    return chain


def in_force(unit_id: int, year: int) -> dict[str, Target]:
    """Per measure, the target in force for the unit in the year: its own, else the nearest ancestor's."""
    chain = ancestors(unit_id)
    rank = {pk: position for position, pk in enumerate(chain)}
    found: dict[str, Target] = {}
    rows = (
        Target.objects.filter(year=year, grid=None, department_id__in=chain)
        .select_related("owner", "department")
        .order_by()
    )
    for target in sorted(rows, key=lambda row: rank[row.department_id]):
        found.setdefault(target.measure, target)
    return found


def for_grids(grids: list[ServiceGrid], year: int) -> dict[tuple[int, str], Target]:
    """The 台区s' own targets (the scorecard falls back to their unit's)."""
    rows = Target.objects.filter(year=year, grid__in=grids).select_related("owner")
    return {(row.grid_id, row.measure): row for row in rows}


def rag(measure: registry.Measure, actual: Decimal | None, target: Decimal | None) -> str:
    """green, amber, red, or blank when there is no figure or no target."""
    if actual is None or target is None:
        return ""
    if measure.meets(actual, target):
        return "green"
    slack = abs(target) * AMBER or Decimal(1)
    near = actual >= target - slack if measure.higher_is_better else actual <= target + slack
    return "amber" if near else "red"


def tighter_or_equal(measure: registry.Measure, value: Decimal, parent: Decimal) -> bool:
    """A unit's target may be the same as its parent's or stricter, never looser."""
    return value >= parent if measure.higher_is_better else value <= parent
