"""Still open and late: counted per unit and kind by the beat task, read by the dashboard for a subtree."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.late import count_late_orders
from dashboards.models import LateOrders
from services.models import Clock
from tests.dashboards.conftest import resolution_clock
from tests.factories import WorkOrderFactory


def order_due(*, grid, department, due_in: timedelta, status: str = "in_progress", kind="service_application"):
    order = WorkOrderFactory(kind=kind, grid=grid, department=department, status=status)
    now = timezone.now()
    resolution_clock(order, "running", now - timedelta(days=2), due_at=now + due_in)
    return order


@pytest.fixture
def late_orders(grid, west_grid, station, west):
    order_due(grid=grid, department=station, due_in=timedelta(hours=-1))
    order_due(grid=grid, department=station, due_in=timedelta(minutes=-5))
    order_due(grid=grid, department=station, due_in=timedelta(hours=3))  # not yet late
    order_due(grid=grid, department=station, due_in=timedelta(hours=-1), status="closed")  # closed: not open
    order_due(grid=west_grid, department=west, due_in=timedelta(hours=-1))


def test_the_count_keeps_one_row_per_unit_and_kind_and_replaces_the_last(late_orders, station, west):
    assert count_late_orders() == 2
    counts = dict(LateOrders.objects.values_list("department__code", "orders"))
    assert counts == {station.code: 2, west.code: 1}
    Clock.objects.filter(order__department=west).update(state="met")
    assert count_late_orders() == 1
    assert list(LateOrders.objects.values_list("department__code", "orders")) == [(station.code, 2)]


def test_the_dashboard_shows_the_subtree_s_late_orders_when_counted_and_opens_the_live_queue(
    client, figures, late_orders, sam, mona
):
    count_late_orders()
    client.force_login(sam)
    late = next(t for t in client.get(reverse("dashboards:dashboard")).context["tables"] if t.name == "late")
    assert [row.cells for row in late.rows] == [[2]]
    assert late.rows[0].link == reverse("services:team-queue") + "?kind=service_application&sla_state=breached"
    assert "counted at" in str(late.title)
    client.force_login(mona)
    late = next(t for t in client.get(reverse("dashboards:dashboard")).context["tables"] if t.name == "late")
    assert [row.cells for row in late.rows] == [[3]]
