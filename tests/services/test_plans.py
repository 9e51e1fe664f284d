"""The plans of a customer's lists on PostgreSQL: found through indexes, never by scanning the city.

`reported_by = me OR account.linked_user = me` once made PostgreSQL read every order and every account
(558 ms at 100,000 orders); WorkOrder.objects.visible_to now looks the customer's orders up through the two
indexed halves of a union. These tests run the exact queries the pages and the API send for a customer
(captured from the client) under EXPLAIN ANALYZE on a city of a few thousand orders, and hold them to it:
no sequential scan of orders or accounts, and no more rows read from them than the customer's own.
"""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ElectricityAccount, User
from services.models import WorkOrder
from tests.factories import CustomerFactory
from tests.services.test_views import apply_for, report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's; CI runs it"),
]

CITY_ACCOUNTS = 4000
CITY_ORDERS = 8000
SCANNED = ("services_workorder", "accounts_electricityaccount")


@pytest.fixture
def city(grid) -> None:
    """Thousands of other customers' accounts and orders, half of them reported through the web, analysed."""
    customer = CustomerFactory()
    template = ElectricityAccount.objects.get(number="3300000001")
    accounts = ElectricityAccount.objects.bulk_create(
        ElectricityAccount(
            number=f"34{n:08d}",
            customer=customer,
            address=f"文三路 {n} 号",
            grid=grid,
            customer_class=template.customer_class,
            voltage_level=template.voltage_level,
            contracted_capacity_kva=template.contracted_capacity_kva,
            tariff_code=template.tariff_code,
        )
        for n in range(CITY_ACCOUNTS)
    )
    reporters = User.objects.bulk_create(User(username=f"c{n}", full_name=f"c{n}") for n in range(50))
    start = timezone.now() - timedelta(days=365)
    WorkOrder.objects.bulk_create(
        WorkOrder(
            number=f"X{n:09d}",
            kind="service_application",
            channel="web",
            status="closed" if n % 10 else "assigned",
            account=accounts[n % CITY_ACCOUNTS],
            reported_by=reporters[n % 50] if n % 2 else None,
            grid=grid,
            description="-",
            opened_at=start + timedelta(hours=n),
        )
        for n in range(CITY_ORDERS)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan_nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def read_from_city_tables(sql: str) -> list[tuple[str, str, int]]:
    """(node type, table, rows read) of each plan node on orders or accounts, from EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (document,) = cursor.fetchone()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    return [
        (
            node["Node Type"],
            node["Relation Name"],
            (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"],
        )
        for node in plan_nodes(plan)
        if node.get("Relation Name") in SCANNED
    ]


def customer_queries(client, url: str) -> list[str]:
    """The SELECTs on work orders that a GET of `url` sends."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        query["sql"] for query in captured if "services_workorder" in query["sql"] and query["sql"].startswith("SELECT")
    ]


@pytest.mark.parametrize("url_name", ["services:my-requests", "api:work-order-list"])
def test_a_customers_list_reads_their_own_orders_through_indexes(client, alice, ray, city, url_name):
    mine = [report(alice), apply_for(alice), report(alice)]
    client.force_login(alice)
    queries = customer_queries(client, reverse(url_name))
    assert len(queries) == 2  # the page and its count
    for sql in queries:
        nodes = read_from_city_tables(sql)
        assert nodes, sql
        assert not [node for node in nodes if node[0] == "Seq Scan"], nodes
        # Rows looked at: the customer's few orders (and their account), not the city's thousands.
        assert sum(rows for _type, _table, rows in nodes) <= 10 * len(mine), nodes
