"""A small city for the dashboards: the company, two supply stations, each with a manager, a 台区 and orders
whose clocks, visits and complaints the rollup sums."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from dashboards import rollups
from services.models import Clock, ReturnVisit, SlaPolicy
from tests.factories import DepartmentFactory, ServiceGridFactory, StaffFactory, WorkOrderFactory

DAY = datetime(2026, 6, 10, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def west(company):
    return DepartmentFactory(code="C0001-02", name="城西供电所", parent=company)


@pytest.fixture
def sam(station):
    return StaffFactory(username="sam", full_name="沈所长", role=Role.DEPARTMENT_MANAGER, department=station)


@pytest.fixture
def otto(west):
    return StaffFactory(username="otto", full_name="欧所长", role=Role.DEPARTMENT_MANAGER, department=west)


@pytest.fixture
def west_grid(west):
    return ServiceGridFactory(code="TQ00002", name="西湖2号台区", department=west)


def resolution_clock(order, state: str, started_at, *, due_at, stopped_at=None) -> Clock:
    """The order's resolution clock under the service applications' policy, in the state given."""
    policy = SlaPolicy.objects.filter(order_kind="service_application").first()
    return Clock.objects.create(
        order=order,
        name="resolution",
        policy=policy,
        target=1,
        unit=policy.unit,
        state=state,
        started_at=started_at,
        due_at=due_at,
        stopped_at=stopped_at,
    )


def closed_order(*, grid, department, assignee=None, kind="service_application", met=True, rating=None, at=DAY):
    """An order opened and closed on `at`'s day, its clock stopped met or breached, and maybe rated."""
    order = WorkOrderFactory(
        kind=kind,
        grid=grid,
        department=department,
        assigned_to=assignee,
        opened_at=at,
        status="closed",
        closed_at=at + timedelta(hours=2),
    )
    resolution_clock(
        order, "met" if met else "breached", at, due_at=at + timedelta(days=1), stopped_at=at + timedelta(hours=2)
    )
    if rating is not None:
        ReturnVisit.objects.create(
            order=order,
            channel="web",
            overall=rating,
            timeliness=rating,
            courtesy=5,
            department=department,
            assignee=assignee,
            recorded_at=at + timedelta(hours=3),
        )
    return order


@pytest.fixture
def figures(grid, west_grid, station, west, charlie):
    """Station: 3 on time of 4, visits 5, 5, 2; west: 1 breached of 1. Rolled up."""
    for met, rating in ((True, 5), (True, 5), (True, 2), (False, None)):
        closed_order(grid=grid, department=station, assignee=charlie, met=met, rating=rating)
    closed_order(grid=west_grid, department=west, met=False)
    rollups.rebuild(DAY.date() - timedelta(days=1), DAY.date() + timedelta(days=2))
