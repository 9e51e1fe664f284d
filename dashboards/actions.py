"""The dashboards' writes: targets cascaded down the units, external figures imported, notes on control charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, ServiceGrid, User
from dashboards import registry, targets, tasks
from dashboards.models import ChartNote, ExternalFigure, Target


class TargetRefused(Exception):
    """A target looser than the one above it, or of an unknown measure (pages: a message; API: 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _above(department: Department, grid: ServiceGrid | None, measure: str, year: int) -> Target | None:
    """The target this one must not be looser than: the unit's own for a 台区, else the nearest ancestor's."""
    if grid is not None:
        return targets.in_force(department.pk, year).get(measure)
    if department.parent_id is None:
        return None
    return targets.in_force(department.parent_id, year).get(measure)


@transaction.atomic
def set_target(
    *,
    by: User,
    measure: str,
    year: int,
    department: Department,
    value: Decimal,
    grid: ServiceGrid | None = None,
    owner: User | None = None,
) -> Target:
    """Set (or change) the year's target of a measure for a unit or one of its 台区s, no looser than above."""
    definition = registry.get(measure)
    if definition is None:
        raise TargetRefused(_("There is no such measure."))
    above = _above(department, grid, measure, year)
    if above is not None and not targets.tighter_or_equal(definition, value, above.value):
        raise TargetRefused(
            _("The target may not be looser than %(above)s, set for %(unit)s.")
            % {"above": above.value, "unit": above.department}
        )
    found = Target.objects.select_for_update().filter(measure=measure, year=year, department=department, grid=grid)
    target = found.first() or Target(measure=measure, year=year, department=department, grid=grid)
    target.value, target.owner, target.set_by, target.set_at = value, owner, by, timezone.now()
    target.save()
    return target


@dataclass(frozen=True)
class ExternalRow:
    grid: ServiceGrid
    month: date
    measure: str
    value: Decimal


@transaction.atomic
def import_external_figures(rows: list[ExternalRow], *, by: User) -> int:
    """Write the month's figures of each 台区 (a figure imported again replaces the earlier one)."""
    now = timezone.now()
    for row in rows:
        ExternalFigure.objects.update_or_create(
            grid=row.grid,
            month=row.month,
            measure=row.measure,
            defaults={"value": row.value, "imported_by": by, "imported_at": now},
        )
    # The stored rankings score these figures: rescored once the import has committed, off the request.
    tasks.rescore_months.delay_on_commit(sorted({row.month.isoformat() for row in rows}))
    return len(rows)


@transaction.atomic
def annotate_point(*, by: User, measure: str, week: date, department: Department, note: str) -> ChartNote:
    """Note why a week's point of a control chart stands where it does (one note per point; a new one replaces it)."""
    found, _created = ChartNote.objects.update_or_create(
        measure=measure, week=week, department=department, defaults={"note": note, "by": by, "at": timezone.now()}
    )
    return found
