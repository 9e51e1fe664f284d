"""Staff find an order in their queue by its number, a phone or an address, and sort it as they need."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import Priority, Status, WorkOrder
from tests.services.test_views import apply_for, report

pytestmark = pytest.mark.django_db


def queue(client, **params):
    response = client.get(reverse("services:team-queue"), params)
    assert response.status_code == 200
    return [order.number for order in response.context["page"].object_list]


@pytest.fixture
def orders(alice, bob, grace):
    fault, application = report(alice), apply_for(bob)
    WorkOrder.objects.filter(pk=fault.pk).update(contact_phone="13955556666", location="文三路18号东侧表箱")
    return fault, application


def test_search_by_the_start_of_an_order_number(client, grace, orders):
    fault, application = orders
    client.force_login(grace)
    assert queue(client, q=application.number) == [application.number]
    assert set(queue(client, q=application.number[:8])) == {fault.number, application.number}


def test_search_by_phone_and_by_address(client, grace, orders):
    fault, _application = orders
    client.force_login(grace)
    assert queue(client, q="13955556666") == [fault.number]
    assert queue(client, q="东侧表箱") == [fault.number]
    assert queue(client, q="nowhere at all") == []


def test_sort_newest_oldest_and_by_priority(client, grace, orders):
    fault, application = orders
    WorkOrder.objects.filter(pk=application.pk).update(priority=Priority.URGENT)
    client.force_login(grace)
    assert queue(client, sort="newest") == [application.number, fault.number]
    assert queue(client, sort="oldest") == [fault.number, application.number]
    assert queue(client, sort="priority") == [application.number, fault.number]


def test_the_rows_show_what_and_where(client, grace, orders):
    client.force_login(grace)
    text = client.get(reverse("services:team-queue")).text
    assert "No power in my home" in text  # the fault's type
    assert "文三路18号东侧表箱" in text  # where


def test_an_unknown_sort_is_ignored_and_a_search_too_long_is_refused_quietly(client, grace, orders):
    client.force_login(grace)
    assert len(queue(client, sort="teleport")) == 2
    assert len(queue(client, q="x" * 101)) == 2  # an invalid form filters nothing


def test_the_api_list_searches_the_same_way(client, grace, orders):
    fault, _application = orders
    client.force_login(grace)
    body = client.get(reverse("api:work-order-list"), {"q": "13955556666"}).json()
    assert [row["number"] for row in body["results"]] == [fault.number]


def test_the_closed_orders_page_lists_the_teams_closed_ones_latest_first(
    client, grace, orders, django_assert_max_num_queries
):
    fault, application = orders
    WorkOrder.objects.filter(pk=fault.pk).update(status=Status.CLOSED, closed_at=timezone.now() - timedelta(hours=1))
    WorkOrder.objects.filter(pk=application.pk).update(status=Status.CANCELLED, closed_at=timezone.now())
    client.force_login(grace)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("services:closed-orders"))
    assert [order.number for order in response.context["page"].object_list] == [application.number, fault.number]
    assert "2 closed orders" in response.text
    assert queue(client) == []  # and the queue no longer has them
