from datetime import date

import pytest
import time_machine
from django.utils import timezone

from accounts.models import CustomerClass
from services import sla
from services.inspections import planning
from services.inspections.models import Inspection, InspectionPlan, Origin
from services.models import Clock, Notification, Status
from tests.factories import ElectricityAccountFactory

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def travel(day: date):
    return time_machine.travel(timezone.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False)


def test_a_plan_opens_one_order_per_account_per_period_and_a_rerun_opens_none(quarterly, grid, ivan):
    ElectricityAccountFactory.create_batch(3, grid=grid)
    with travel(date(2026, 11, 2)):
        assert planning.generate() == 3
        assert planning.generate() == 0
    inspections = Inspection.objects.select_related("order")
    assert inspections.count() == 3
    assert {i.period_start for i in inspections} == {date(2026, 10, 1)}
    assert {i.origin for i in inspections} == {Origin.SCHEDULED}
    assert {i.order.assigned_to for i in inspections} == {ivan}
    assert {i.order.status for i in inspections} == {Status.ASSIGNED}


def test_a_new_quarter_opens_the_next_round_and_due_dates_skip_the_national_holiday(quarterly, grid, ivan):
    ElectricityAccountFactory.create_batch(4, grid=grid)
    with travel(date(2026, 9, 30)):
        assert planning.generate() == 4
    third_quarter = Inspection.objects.filter(period_start=date(2026, 7, 1))
    assert {i.planned_on for i in third_quarter} == {date(2026, 9, 30)}  # the quarter's last working day
    with travel(date(2026, 10, 1)):  # National Day: Oct 1–7 off, Sat Oct 10 worked
        assert planning.generate() == 4
    planned = sorted(Inspection.objects.filter(period_start=date(2026, 10, 1)).values_list("planned_on", flat=True))
    assert planned[0] == date(2026, 10, 8)
    assert all(sla.is_working_day(day) and not date(2026, 10, 1) <= day <= date(2026, 10, 7) for day in planned)
    assert len(set(planned)) == 4  # spread over the quarter, not all on day one


def test_the_completion_clock_starts_on_the_planned_day(quarterly, grid, ivan):
    ElectricityAccountFactory(grid=grid)
    with travel(date(2026, 10, 1)):
        planning.generate()
    clock = Clock.objects.get(name="complete")
    inspection = Inspection.objects.get()
    assert timezone.localtime(clock.started_at).date() == inspection.planned_on
    assert clock.target == 5


def test_after_downtime_the_next_run_catches_up(quarterly, grid, ivan):
    ElectricityAccountFactory.create_batch(5, grid=grid)
    with travel(date(2026, 10, 12)):
        assert planning.generate(limit=2) == 2  # interrupted
    with travel(date(2026, 11, 20)):
        assert planning.generate() == 3
        planned = set(Inspection.objects.filter(pk__gt=0).order_by("-pk").values_list("planned_on", flat=True)[:3])
    assert min(planned) >= date(2026, 11, 20)


def test_criteria_and_sampling_choose_the_accounts(grid, hv_checklist, hv_account, ivan):
    ElectricityAccountFactory.create_batch(3, grid=grid)
    InspectionPlan.objects.create(
        name_zh="高压年检", customer_class=CustomerClass.HIGH_VOLTAGE, interval_months=12, checklist=hv_checklist
    )
    with travel(date(2026, 3, 2)):
        assert planning.generate() == 1
    assert Inspection.objects.get().account == hv_account


def test_a_sample_is_stable_across_runs_and_about_its_share(lv_checklist, grid, ivan):
    ElectricityAccountFactory.create_batch(60, grid=grid)
    plan = InspectionPlan.objects.create(name_zh="抽检", interval_months=3, sample_percent=20, checklist=lv_checklist)
    first = set(planning.due_accounts(plan, date(2026, 10, 1)).values_list("pk", flat=True))
    assert first == set(planning.due_accounts(plan, date(2026, 10, 1)).values_list("pk", flat=True))
    assert 3 <= len(first) <= 25


def test_important_customers_are_told_the_date_ahead(
    grid, hv_checklist, hv_account, ivan, django_capture_on_commit_callbacks
):
    InspectionPlan.objects.create(
        name_zh="重要客户半年检", important_only=True, interval_months=6, checklist=hv_checklist
    )
    with travel(date(2026, 7, 1)), django_capture_on_commit_callbacks(execute=False):
        planning.generate()
    message = Notification.objects.get(template="inspection_scheduled")
    assert message.context["date"] == Inspection.objects.get().planned_on.isoformat()
