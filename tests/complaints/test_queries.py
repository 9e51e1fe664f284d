"""Every list and the complaint page cost the same queries for few complaints or many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import actions
from complaints.models import MISCONDUCT_REPORT
from tests.complaints.conftest import file, walk_to_analysed


def queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200, response.status_code
    return len(captured)


def many(company, n: int) -> list:
    orders = [file(company, is_major=i % 3 == 0, major_reason="media" if i % 3 == 0 else "") for i in range(n)]
    file(company, kind=MISCONDUCT_REPORT, category=None)
    return orders


PAGES = [
    ("handler", "complaints:queue", {}),
    ("handler", "complaints:queue", {"major": "1", "kind": "complaint"}),
    # A dashboard's drill-down: a category, a unit's subtree and a window (closed complaints too).
    (
        "handler",
        "complaints:queue",
        {"category": "quality_voltage", "unit": "B", "since": "2020-01-01", "until": "2099-12-31"},
    ),
    ("manager", "complaints:watch", {}),
    ("handler", "complaints:history", {"account": "ACCOUNT"}),
    ("customer", "complaints:file", {}),
    ("handler", "api:complaint-list", {}),
    ("customer", "api:complaint-list", {}),
    ("handler", "api:complaint-history", {"account": "ACCOUNT"}),
]


@pytest.mark.parametrize(("who", "url_name", "params"), PAGES)
def test_a_list_costs_the_same_queries_for_two_complaints_or_twelve(client, company, who, url_name, params):
    params = {k: company.account.number if v == "ACCOUNT" else v for k, v in params.items()}
    if who == "customer":
        file(company, by=company.customer, channel="web")
    many(company, 2)
    client.force_login(getattr(company, who))
    url = reverse(url_name)
    few = queries(client, url, params)
    many(company, 10)
    if who == "customer":
        for _ in range(3):
            file(company, by=company.customer, channel="web")
    assert queries(client, url, params) == few


def walk_again(company, order):
    from complaints.actions import Analysis
    from complaints.models import RootCause

    analysis = Analysis(RootCause.objects.get(code="equipment"), True, "配变老化", company.station)
    order = actions.analyse(order, by=company.handler, analysis=analysis)
    return actions.rectify(order, by=company.handler, rectification="更换配变")


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_complaint_page_costs_the_same_for_a_short_or_long_timeline(client, company, api):
    order = walk_to_analysed(company, file(company))
    order = actions.rectify(order, by=company.handler, rectification="更换配变")
    client.force_login(company.handler)
    url = reverse("api:complaint-detail" if api else "services:order", args=[order.number])
    short = queries(client, url)
    for _ in range(5):
        actions.send_back(order, by=company.manager, note="再查")
        order = walk_again(company, order)
    assert queries(client, url) == short
