"""Generating the inspection orders that fall due under the plans (beat: `generate_due_inspections`, daily).

For each active plan and its current period, the accounts due are found in one query: matching the plan's
criteria, active, in the sample (a hash of account and period), and without an inspection of this plan and
period. Running it twice creates nothing the second time (and the unique constraint on (plan, account, period)
would refuse a duplicate anyway); after downtime the next run creates everything the period still lacks. Due
dates are spread over the period's remaining working days, in account order, so no inspector gets them all on
day one; each order is routed as the backbone routes (by 台区 and load). A run opens at most `limit` orders
(each is a handful of writes: the order, its timeline, clock, assignment and any message), so a quarter's
round in a large city is opened over the first days of the quarter rather than in one long transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import BigIntegerField, IntegerField, QuerySet
from django.db.models.functions import Cast, Mod
from django.utils import timezone

from accounts.models import AccountStatus, Department, ElectricityAccount
from services import sla
from services.inspections.models import Inspection, InspectionPlan


def due_accounts(plan: InspectionPlan, period_start: date) -> QuerySet[ElectricityAccount]:
    """The plan's accounts that still need an inspection in the period starting `period_start`."""
    accounts = ElectricityAccount.objects.filter(status=AccountStatus.ACTIVE)
    if plan.customer_class:
        accounts = accounts.filter(customer_class=plan.customer_class)
    if plan.voltage_level:
        accounts = accounts.filter(voltage_level=plan.voltage_level)
    if plan.important_only:
        accounts = accounts.filter(is_important=True)
    if plan.grid_id:
        accounts = accounts.filter(grid_id=plan.grid_id)
    if plan.department_id:
        accounts = accounts.filter(grid__department__in=Department.objects.subtree_of(plan.department))
    if plan.sample_percent < 100:
        # A stable pseudo-random sample: the same accounts on every run of the period, others the next period.
        # Drawn from the account number, not the id: the same accounts in a city rebuilt from the same records.
        seed = period_start.toordinal() % 97
        number = Cast("number", BigIntegerField())  # ten digits (accounts.models.account_number_validator)
        bucket = Mod(number * 7919 + seed * 104729, 100, output_field=IntegerField())
        accounts = accounts.alias(bucket=bucket).filter(bucket__lt=plan.sample_percent)
    done = Inspection.objects.filter(plan=plan, period_start=period_start).values("account_id")
    return accounts.exclude(pk__in=done).order_by("pk")


def working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if sla.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def spread(count: int, days: list[date]) -> list[date]:
    """`count` due dates spread evenly over `days` (the i-th of count on day i * len(days) // count)."""
    if not days:
        return []
    return [days[i * len(days) // count] for i in range(count)]


def generate(today: date | None = None, *, limit: int = 5000) -> int:
    """Open the inspection orders that fall due today under every active plan; return how many were opened."""
    from services.inspections.actions import schedule_inspection  # actions import this module's helpers

    today = today or timezone.localdate()
    opened = 0
    for plan in InspectionPlan.objects.filter(is_active=True).select_related("checklist"):
        start, end = plan.period_of(today)
        accounts = list(due_accounts(plan, start).select_related("grid__department", "customer")[: limit - opened])
        days = working_days(max(start, today), end) or [end]
        for account, planned_on in zip(accounts, spread(len(accounts), days), strict=True):
            if schedule_inspection(plan, account, period_start=start, planned_on=planned_on) is not None:
                opened += 1
        if opened >= limit:
            break
    return opened
