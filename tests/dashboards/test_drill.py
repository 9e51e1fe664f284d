"""Drill-downs: a unit's figure opens the closed orders of its subtree, a Pareto bar the complaint queue of its
category, unit and period; both lists read the same queries however many orders they find."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory
from dashboards import periods, queries, rollups
from dashboards.board import Board
from tests.dashboards.conftest import DAY, closed_order

JUNE = {"period": "month", "on": DAY.date().isoformat()}


def _count(client, url: str, params: dict) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return len(captured), [order.number for order in response.context["page"].object_list]


def test_a_units_figure_opens_the_closed_orders_of_its_subtree(client, figures, mona, west, west_grid):
    client.force_login(mona)
    page = client.get(reverse("dashboards:dashboard"), JUNE)
    units = next(t for t in page.context["tables"] if t.name == "units")
    west_row = next(row for row in units.rows if row.label == west.name)
    assert west_row.orders == f"{reverse('services:closed-orders')}?unit={west.code}"
    assert units.chart["links"] == [row.orders for row in units.rows]
    assert f'href="{west_row.orders}"' in page.text
    url, params = reverse("services:closed-orders"), {"unit": west.code}
    few, listed = _count(client, url, params)
    assert len(listed) == 1
    for _ in range(3):
        closed_order(grid=west_grid, department=west)
    many, listed = _count(client, url, params)
    assert len(listed) == 4 and many == few
    assert len(_count(client, url, {"unit": "C0001"})[1]) == 8
    assert _count(client, url, {"unit": "NOPE"})[1] == []


def test_a_pareto_bar_links_the_complaint_queue_of_its_category_unit_and_period(figures, station, grid, sam):
    order = closed_order(grid=grid, department=station, kind="complaint")
    Complaint.objects.create(
        order=order, received_at=DAY, category=ComplaintCategory.objects.get(code="quality_voltage")
    )
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    board = Board(queries.scope_for(station), periods.around("month", DAY.date()))
    pareto = board.pareto("pareto_category", "Pareto", "complaint_category")
    link = urlsplit(pareto.rows[0].link)
    assert link.path == reverse("complaints:queue")
    assert parse_qs(link.query) == {
        "category": ["quality_voltage"],
        "unit": [station.code],
        "since": ["2026-06-01"],
        "until": ["2026-06-30"],
    }
