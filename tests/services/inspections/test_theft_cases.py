"""Closing a confidential theft case: the manager's conclusion, in their scope, once."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from services.inspections import actions
from services.inspections.actions import NewFinding
from services.inspections.models import FindingCategory, Severity, TheftCase, TheftOutcome
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(quarterly, hv_account, ivan) -> TheftCase:
    today = timezone.localdate()
    order = actions.schedule_inspection(quarterly, hv_account, period_start=today.replace(day=1), planned_on=today)
    finding = NewFinding(FindingCategory.THEFT, Severity.CRITICAL, "绕越计量", estimated_unbilled_kwh=Decimal("900"))
    actions.record_finding(order, by=ivan, finding=finding)
    return TheftCase.objects.get()


def close(client, case, **data):
    return client.post(reverse("services:inspection-theft-case", args=[case.pk]), data)


def test_the_manager_confirms_theft_with_the_energy_to_recover(client, case, mona):
    client.force_login(mona)
    response = close(client, case, outcome=TheftOutcome.CONFIRMED, recovered_kwh="860.5", note="表尾短接，有照片。")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.recovered_kwh, case.closed_by) == (TheftOutcome.CONFIRMED, Decimal("860.5"), mona)
    assert case.is_closed and case.closing_note == "表尾短接，有照片。"
    page = client.get(reverse("services:inspection-theft-cases")).content.decode()
    assert "860.5 kWh" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": TheftOutcome.CONFIRMED, "note": "x"}, "recovered_kwh"),  # confirmed without the energy
        ({"outcome": TheftOutcome.UNFOUNDED, "recovered_kwh": "10", "note": "x"}, "recovered_kwh"),
        ({"outcome": TheftOutcome.UNFOUNDED, "note": "  "}, "note"),
        ({"outcome": "maybe", "note": "x"}, "outcome"),
    ],
)
def test_a_conclusion_that_does_not_hold_together_is_refused_and_changes_nothing(client, case, mona, data, field):
    client.force_login(mona)
    response = close(client, case, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    case.refresh_from_db()
    assert not case.is_closed and case.outcome == ""


def test_a_closed_case_stays_closed(client, case, mona):
    actions.close_theft_case(case, by=mona, outcome=TheftOutcome.UNFOUNDED, note="电表故障，非窃电。")
    client.force_login(mona)
    response = close(client, case, outcome=TheftOutcome.CONFIRMED, recovered_kwh="100", note="again")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.outcome == TheftOutcome.UNFOUNDED and case.recovered_kwh is None


def test_an_inspector_sees_the_case_but_only_a_manager_closes_it(client, case, ivan):
    client.force_login(ivan)
    page = client.get(reverse("services:inspection-theft-case", args=[case.pk]))
    assert page.status_code == 200 and not page.context["may_close"]
    assert close(client, case, outcome=TheftOutcome.UNFOUNDED, note="x").status_code == 403
    assert not TheftCase.objects.get().is_closed


def test_another_units_staff_neither_see_nor_close_the_case(client, case, company):
    elsewhere = DepartmentFactory(parent=company)
    manager = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=elsewhere)
    client.force_login(manager)
    assert client.get(reverse("services:inspection-theft-case", args=[case.pk])).status_code == 404
    assert close(client, case, outcome=TheftOutcome.UNFOUNDED, note="x").status_code == 404
    assert str(case.account.number) not in client.get(reverse("services:inspection-theft-cases")).content.decode()
    assert not TheftCase.objects.get().is_closed


def test_the_case_page_takes_a_fixed_number_of_queries(client, case, mona, django_assert_max_num_queries):
    client.force_login(mona)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("services:inspection-theft-case", args=[case.pk])).status_code == 200


def test_the_manager_of_the_customers_area_sees_a_case_another_unit_inspected(client, case, company, station):
    inspecting = DepartmentFactory(parent=company)
    TheftCase.objects.filter(pk=case.pk).update(department=inspecting)
    area_manager = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=station)
    client.force_login(area_manager)
    assert client.get(reverse("services:inspection-theft-case", args=[case.pk])).status_code == 200
    unit_manager = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=inspecting)
    client.force_login(unit_manager)
    assert client.get(reverse("services:inspection-theft-case", args=[case.pk])).status_code == 200
