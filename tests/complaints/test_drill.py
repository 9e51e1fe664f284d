"""The complaint queue as a dashboard's drill-down: a category or root cause, a unit's subtree, a window."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from services.models import Status, WorkOrder
from tests.complaints.conftest import category, file, walk_to_analysed
from tests.factories import ElectricityAccountFactory, ServiceGridFactory


def numbers(response) -> list[str]:
    return sorted(complaint.order.number for complaint in response.context["page"].object_list)


def test_a_pareto_bar_lists_its_categorys_complaints_of_the_unit_and_period_closed_ones_too(client, company):
    voltage = file(company)
    closed = file(company)
    WorkOrder.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    file(company, category=category("service_attitude"))
    elsewhere = ServiceGridFactory(department=Department.objects.get(code="X-KF"))
    file(company, account=ElectricityAccountFactory(grid=elsewhere))  # another unit's 台区
    file(company, at=timezone.now() - timedelta(days=20))  # before the period
    today = timezone.localdate()
    window = {"since": (today - timedelta(days=7)).isoformat(), "until": today.isoformat()}
    client.force_login(company.leader)
    response = client.get(reverse("complaints:queue"), {"category": "quality_voltage", "unit": "B", **window})
    assert numbers(response) == sorted([voltage.number, closed.number])
    assert "2 complaints received in the period" in response.text
    assert f'href="{reverse("complaints:queue")}"' in response.text  # back to the whole queue
    assert numbers(client.get(reverse("complaints:queue"), {"unit": "NOPE", **window})) == []


def test_without_a_window_the_drill_down_lists_only_open_complaints(client, company):
    voltage = file(company)
    closed = file(company)
    WorkOrder.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    client.force_login(company.leader)
    assert numbers(client.get(reverse("complaints:queue"), {"category": "quality_voltage"})) == [voltage.number]


def test_a_root_cause_bar_lists_the_complaints_analysed_to_it(client, company):
    analysed = walk_to_analysed(company, file(company))
    file(company)
    client.force_login(company.leader)
    response = client.get(reverse("complaints:queue"), {"cause": "grid_capacity"})
    assert numbers(response) == [analysed.number]
