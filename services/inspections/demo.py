"""The inspections' demo (seed_demo): plans, a year of inspections with findings and rectifications, and
anomalies planted in the demo's readings with the scan's flags on them.

Deterministic for a seed and re-runnable: nothing is added once inspection orders exist. Inspections go to the
marketing department's inspectors (a routing rule, the data way), so the `inspector` login works them.
The year is made through the same actions as the pages, then moved back in time with a few bulk updates.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import BRANCHES
from accounts.models import AccountStatus, CustomerClass, Department, ElectricityAccount, MeterReading, Role, User
from services import sla
from services.inspections import actions, anomalies, planning
from services.inspections.models import (
    INSPECTION,
    Checklist,
    FindingCategory,
    Inspection,
    InspectionPlan,
    LegalBasis,
    Origin,
    Outcome,
    Severity,
)
from services.models import Clock, RoutingRule, TimelineEvent, WorkOrder

TEAM = "TZ-YX"  # the marketing department, where the demo's `inspector` works


def seed_inspections(*, seed: int, orders: int = 1) -> dict[str, int]:
    """Add the inspections' demo if it is not there yet; return what was added, by name.

    The planted anomalies are put in on every run (they are set from the month before, so a rerun changes
    nothing, and a city seeded again gets the same readings); the orders only once, and none with `orders` 0
    (seed_demo's --orders 0: a city without work orders).
    """
    if not ElectricityAccount.objects.exists():
        return {}
    added = {"planted anomalies": plant_anomalies(random.Random(seed * 13 + 7))}
    if not orders or WorkOrder.objects.filter(kind=INSPECTION).exists():
        return added | {"anomaly flags": anomalies.scan(anomalies.last_read_month())}
    rng = random.Random(seed * 13 + 5)
    with transaction.atomic():
        _route_to_inspectors()
        plans = _plans()
        past = _past_year(rng, plans[0])
        flags = anomalies.scan(anomalies.last_read_month())
        due = planning.generate(limit=200)
        actions.escalate_overdue_rectifications()
    return added | {"past inspections": past, "anomaly flags": flags, "inspections due": due}


def _route_to_inspectors() -> None:
    team = Department.objects.filter(code=TEAM).first()
    if team is not None:
        RoutingRule.objects.get_or_create(
            order_kind=INSPECTION, grid=None, source_department=None, team=team, role=Role.INSPECTOR
        )


def _plans() -> list[InspectionPlan]:
    """The demo's three plans (those already there, when the orders were deleted and the demo is seeded again)."""
    if InspectionPlan.objects.exists():
        return list(InspectionPlan.objects.order_by("pk"))
    high, low = Checklist.objects.get(code="high_voltage"), Checklist.objects.get(code="low_voltage")
    return [
        InspectionPlan.objects.create(
            name_zh="高压客户年度检查", name_en="High-voltage customers, yearly",
            customer_class=CustomerClass.HIGH_VOLTAGE, interval_months=12, checklist=high,
        ),
        InspectionPlan.objects.create(
            name_zh="重要客户半年检查", name_en="Important customers, every six months", important_only=True,
            interval_months=6, checklist=high,
        ),
        InspectionPlan.objects.create(
            name_zh="低压居民季度抽检", name_en="Low-voltage households, sampled each quarter",
            customer_class=CustomerClass.LV_RESIDENTIAL, interval_months=3, sample_percent=2, checklist=low,
        ),
    ]  # fmt: skip


def plant_anomalies(rng: random.Random) -> int:
    """Theft-like drops, vacant homes and spikes in last month's readings of a few dozen households.

    Chosen by account number and set from each account's month before: the same accounts and figures on
    every run, whatever the rows' ids.
    """
    month = anomalies.last_read_month()
    before = anomalies.month_before(month)
    numbers = sorted(
        MeterReading.objects.filter(
            period=before,
            total_kwh__gte=60,
            # Not "active only": billing's demo, seeded after this, cuts some homes for arrears, and a rerun
            # must choose the same homes.
            account__status__in=(AccountStatus.ACTIVE, AccountStatus.SUSPENDED),
            account__customer_class=CustomerClass.LV_RESIDENTIAL,
        ).values_list("account__number", flat=True)
    )
    each = max(2, min(15, len(numbers) // 150))
    chosen = rng.sample(numbers, min(len(numbers), 3 * each))
    previous = {
        reading.account_id: reading
        for reading in MeterReading.objects.filter(period=before, account__number__in=chosen)
    }
    planted = []
    for position, factor in enumerate((Decimal("0.15"), Decimal("0"), Decimal("6"))):  # drop, vacant, spike
        group = chosen[position * each : (position + 1) * each]
        for reading in MeterReading.objects.filter(period=month, account__number__in=group):
            planted.append(_planted(reading, previous[reading.account_id], factor))
    MeterReading.objects.bulk_update(planted, ["total_kwh", "peak_kwh", "valley_kwh"])
    return len(chosen)


def _planted(reading: MeterReading, before: MeterReading, factor: Decimal) -> MeterReading:
    """`reading` set to `factor` times the month before, to the hundredth; peak and valley still add up."""
    cent = Decimal("0.01")
    if before.peak_kwh is None or before.valley_kwh is None:
        reading.total_kwh = (before.total_kwh * factor).quantize(cent)
        return reading
    reading.peak_kwh = (before.peak_kwh * factor).quantize(cent)
    reading.valley_kwh = (before.valley_kwh * factor).quantize(cent)
    reading.total_kwh = reading.peak_kwh + reading.valley_kwh
    return reading


def _past_year(rng: random.Random, plan: InspectionPlan) -> int:
    """Inspections over the last year: most pass, a quarter find a hazard or violation (a notice and its
    re-inspection, most of them done), one finds suspected theft."""
    inspector = User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("pk").first()
    if inspector is None:
        return 0
    # Not "active only", and by number: billing's demo, seeded after this one, cuts some homes for arrears,
    # and the same seed must choose the same homes again.
    accounts = list(
        ElectricityAccount.objects.exclude(status=AccountStatus.CLOSED)
        .select_related("grid__department", "customer")
        .order_by("number")
    )
    chosen = rng.sample(accounts, min(len(accounts), max(8, len(accounts) // 60)))
    # The suspected theft is found on a home of the first branch, whose manager (`manager`) concludes the case in
    # the README's walk-through; in a city without one, on the fourth home inspected.
    branch = BRANCHES[0].code
    theft = next((i for i, a in enumerate(chosen) if a.grid.department.code.startswith(f"{branch}-")), 3)
    today = timezone.localdate()
    for index, account in enumerate(chosen):
        day = today - timedelta(days=20 + index * 340 // len(chosen))
        _inspect(rng, account, plan, inspector, day, theft=index == theft)
    return len(chosen)


def _inspect(
    rng: random.Random, account: ElectricityAccount, plan: InspectionPlan, by: User, day: date, *, theft: bool
) -> None:
    start, _end = plan.period_of(day)
    with transaction.atomic():
        order = actions._open(account, by=None, origin=Origin.SCHEDULED, checklist=plan.checklist, planned_on=day,
                              description=_("Scheduled inspection: %(plan)s") % {"plan": plan.name},
                              plan=plan, period_start=start)  # fmt: skip
        roll = rng.random()
        failed = theft or roll < 0.25
        items = list(plan.checklist.items.all())
        results = [
            actions.ItemResult(item, Outcome.FAILED if failed and item.position == 3 else Outcome.PASSED, "现场核查")
            for item in items
        ]
        actions.record_results(order, by=by, results=results)
        reinspection = None
        if theft:
            finding = actions.NewFinding(
                FindingCategory.THEFT,
                Severity.CRITICAL,
                "电能表接线异常，疑似绕越计量",
                estimated_unbilled_kwh=Decimal("4200.0"),
            )
            actions.record_finding(order, by=by, finding=finding)
        elif failed:
            reinspection = _notice(order, by, roll)
        actions.complete_inspection(order, by=by, result="检查完成")
    _backdate(order, day)
    if reinspection is not None and roll < 0.2:  # most rectifications were done and re-inspected
        _close_reinspection(reinspection, by, day + timedelta(days=15))


def _notice(order: WorkOrder, by: User, roll: float) -> Inspection:
    violation = roll < 0.1
    finding = actions.NewFinding(
        category=FindingCategory.VIOLATION if violation else FindingCategory.HAZARD,
        severity=Severity.MEDIUM if violation else Severity.HIGH,
        description="实际负荷超过合同容量" if violation else "表箱锈蚀、进户线绝缘老化",
        required_action="办理增容手续或减少用电负荷" if violation else "更换表箱及进户线",
        due_on=timezone.localdate() + timedelta(days=15),
        legal_basis=LegalBasis.objects.get(code="rules_violation" if violation else "rules_safety"),
    )
    row = actions.record_finding(order, by=by, finding=finding)
    return Inspection.objects.select_related("order").get(rectification=row.rectification)


def _close_reinspection(inspection: Inspection, by: User, day: date) -> None:
    items = inspection.checklist.items.all()
    actions.record_results(
        inspection.order, by=by, results=[actions.ItemResult(item, Outcome.PASSED) for item in items]
    )
    actions.complete_inspection(inspection.order, by=by, result="整改完成")
    _backdate(inspection.order, day)


def _backdate(order: WorkOrder, day: date) -> None:
    """Move an order made today to `day`: its times, timeline, clocks, particulars and notices."""
    shift = timezone.now() - sla.start_of(day) - timedelta(hours=9)
    WorkOrder.objects.filter(pk=order.pk).update(opened_at=F("opened_at") - shift, closed_at=F("closed_at") - shift)
    TimelineEvent.objects.filter(order=order).update(at=F("at") - shift)
    Clock.objects.filter(order=order).update(started_at=F("started_at") - shift, due_at=F("due_at") - shift,
                                             stopped_at=F("stopped_at") - shift, alert_at=None)  # fmt: skip
    Inspection.objects.filter(pk=order.pk).update(planned_on=day, completed_at=F("completed_at") - shift)
    inspection = Inspection.objects.get(pk=order.pk)
    for finding in inspection.findings.all():
        type(finding).objects.filter(pk=finding.pk).update(recorded_at=F("recorded_at") - shift)
        notice = getattr(finding, "rectification", None)
        if notice is not None:
            type(notice).objects.filter(pk=notice.pk).update(
                issued_at=F("issued_at") - shift, due_on=day + timedelta(days=15)
            )
            Inspection.objects.filter(rectification=notice, completed_at__isnull=True).update(
                planned_on=day + timedelta(days=15)
            )
