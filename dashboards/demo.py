"""The demo's targets and external figures for the year, and its daily figures built, so a manager who signs
in sees a full year (called once from portal's seed_demo, after every app has seeded its year)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Department, Role, ServiceGrid, User
from dashboards import actions, late, rollups
from dashboards.models import ExternalFigure, ExternalMeasure, Target
from services import figures as grid_figures

# The company's annual targets (DOMAIN.md §8, §9): published commitments and the 台区 manager's assessment.
COMPANY_TARGETS = {
    "on_time": "99",
    "satisfaction": "97",
    "visit_rate": "95",
    "complaint_rate": "2",
    "online_share": "30",
    "wait_minutes": "15",
    "arrival_minutes": "45",
    "customer_hours": "5000",
}
# The README's `manager` login's branch tightens two of them for itself, and asks 100 % of five 台区s.
BRANCH_MANAGER = "manager"
BRANCH_TARGETS = {"on_time": "99.5", "wait_minutes": "12"}
# Where each external figure of a 台区 usually lies, and how far it strays (per cent).
EXTERNAL = {
    ExternalMeasure.DATA_COLLECTION: (Decimal("99.93"), 0.08),
    ExternalMeasure.LINE_LOSS: (Decimal("96.8"), 2.5),
    ExternalMeasure.FEE_RECOVERY: (Decimal("99.8"), 0.4),
}


def seed_dashboards(*, seed: int) -> dict[str, int]:
    """Targets for this year, a year of external figures per 台区, the daily figures rebuilt and the late orders
    counted."""
    today = timezone.localdate()
    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
    root = Department.objects.filter(parent=None).order_by("code").first()
    if admin is None or root is None:
        return {}
    _targets(admin, root, today.year)
    external = _external(admin, random.Random(seed), today)
    grid_figures.refresh_grid_figures()  # the customers per 台区 that 万户投诉率 and customer-hours read
    figures = rollups.rebuild(today - timedelta(days=400), today + timedelta(days=1))
    late.count_late_orders()  # what beat recounts every five minutes
    return {"targets": Target.objects.filter(year=today.year).count(), "external": external, "figures": figures}


def _targets(admin: User, root: Department, year: int) -> None:
    for measure, value in COMPANY_TARGETS.items():
        actions.set_target(by=admin, measure=measure, year=year, department=root, value=Decimal(value), owner=admin)
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, department__parent=root)
    manager = managers.filter(username=BRANCH_MANAGER).first() or managers.order_by("username").first()
    if manager is None:
        return
    for measure, value in BRANCH_TARGETS.items():
        actions.set_target(
            by=manager, measure=measure, year=year, department=manager.department, value=Decimal(value), owner=manager
        )
    for grid in ServiceGrid.objects.filter(department__parent=manager.department).exclude(manager=None)[:5]:
        actions.set_target(
            by=manager,
            measure="on_time",
            year=year,
            department=grid.department,
            grid=grid,
            value=Decimal("100"),
            owner=grid.manager,
        )


def _external(admin: User, rng: random.Random, today: date) -> int:
    """Twelve months of each 台区's three figures, written in one bulk insert."""
    months = [(today.replace(day=1) - timedelta(days=31 * n)).replace(day=1) for n in range(1, 13)]
    now = timezone.now()
    rows = [
        ExternalFigure(
            grid_id=grid_id,
            month=month,
            measure=measure,
            value=_figure(rng, *EXTERNAL[measure]),
            imported_by=admin,
            imported_at=now,
        )
        for grid_id in ServiceGrid.objects.values_list("pk", flat=True)
        for month in months
        for measure in ExternalMeasure
    ]
    ExternalFigure.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def _figure(rng: random.Random, usual: Decimal, spread: float) -> Decimal:
    return min(Decimal(100), usual + Decimal(rng.uniform(-spread, spread * 0.3))).quantize(Decimal("0.01"))
