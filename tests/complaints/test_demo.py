"""The demo's year of complaints tells the loop's story: supply quality the largest class, repeats, reopenings,
met and breached limits, major complaints, accountability, and open complaints in every step of the loop."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from complaints.models import COMPLAINT, FEEDBACK_KINDS, Accountability, Complaint, ComplaintStatus
from portal import demo_complaints
from services.models import Clock, ClockState, EventKind, ReturnVisit, TimelineEvent, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", accounts=2000, orders=100, seed=7, verbosity=0, stdout=StringIO())


def test_the_year_is_in_proportion_to_the_city_and_numbered_like_every_order(seeded):
    orders = WorkOrder.objects.filter(kind__in=FEEDBACK_KINDS)
    assert orders.count() == demo_complaints.default_complaints(2000) == 120
    assert Complaint.objects.count() == orders.count()
    for order in orders:
        assert order.number.endswith(f"{order.pk:08d}")
    assert TimelineEvent.objects.filter(kind=EventKind.CREATED, order__in=orders).count() == orders.count()


def test_supply_quality_is_the_largest_class_about_a_third(seeded):
    complaints = Complaint.objects.filter(order__kind=COMPLAINT)
    by_class = dict(complaints.values_list("order__sub_type").annotate(n=Count("pk")))
    largest = max(by_class, key=by_class.get)
    assert largest == "supply_quality"
    assert 0.2 < by_class["supply_quality"] / complaints.count() < 0.5


def test_the_year_has_repeats_reopenings_majors_findings_and_met_and_breached_limits(seeded):
    complaints = Complaint.objects.filter(order__kind=COMPLAINT)
    assert complaints.filter(is_major=True).exists()
    assert complaints.filter(is_repeat=True).exists()
    assert complaints.filter(reopen_count__gt=0).exists()
    assert Accountability.objects.exists()
    states = set(Clock.objects.filter(order__kind=COMPLAINT).values_list("state", flat=True))
    assert {ClockState.MET, ClockState.BREACHED, ClockState.RUNNING} <= states
    assert complaints.filter(is_company_fault=False, order__status="closed").exists()


def test_open_complaints_stand_in_every_step_on_the_demo_handlers_queue(seeded):
    open_steps = set(
        WorkOrder.objects.filter(kind=COMPLAINT, assigned_to__username="complaints").values_list("status", flat=True)
    )
    assert set(ComplaintStatus.values) <= open_steps


def test_a_second_seed_adds_nothing(seeded):
    assert demo_complaints.seed_complaints(seed=7) == 0


def test_every_visited_complaint_has_its_return_visit_in_the_satisfaction_figures(seeded):
    visited = Complaint.objects.filter(visited_at__isnull=False)
    assert visited.exists()
    rated = ReturnVisit.objects.filter(order__complaint__in=visited)
    assert rated.count() == visited.count()
    assert set(rated.values_list("overall", flat=True)) <= {4, 5}
