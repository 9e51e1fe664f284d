import pytest
from django.urls import reverse
from django.utils import timezone

from services.inspections import actions, anomalies
from services.inspections.models import AnomalyFlag, ChecklistResult, FlagStatus, Outcome, TheftCase
from tests.services.inspections.test_anomalies import SCANNED
from tests.services.inspections.test_anomalies import city as city

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(quarterly, hv_account, ivan):
    today = timezone.localdate()
    return actions.schedule_inspection(quarterly, hv_account, period_start=today.replace(day=1), planned_on=today)


def checklist_data(order, outcome: str = Outcome.PASSED) -> dict:
    data = {"results": "1"}
    for item in order.inspection.checklist.items.all():
        data[f"outcome_{item.pk}"] = outcome
        data[f"note_{item.pk}"] = "ok"
    return data


def test_the_inspector_saves_the_checklist_on_the_page(client, order, ivan):
    client.force_login(ivan)
    url = reverse("services:inspection-work", args=[order.number])
    assert client.get(url).status_code == 200
    response = client.post(url, checklist_data(order))
    assert response.status_code == 302
    assert ChecklistResult.objects.filter(inspection=order.inspection).count() == 4


def test_a_failed_item_needs_a_note_and_nothing_is_saved(client, order, ivan):
    client.force_login(ivan)
    data = checklist_data(order, Outcome.FAILED)
    data[next(key for key in data if key.startswith("note_"))] = ""
    response = client.post(reverse("services:inspection-work", args=[order.number]), data)
    assert response.status_code == 400
    assert not ChecklistResult.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("grace", 403), ("charlie", 403), ("alice", 403), ("mona", 200)])
def test_who_may_open_the_inspectors_page(client, order, personas, who, status):
    client.force_login(personas[who])
    assert client.get(reverse("services:inspection-work", args=[order.number])).status_code == status


def test_an_inspector_of_another_department_may_not_work_it(client, order, station):
    from accounts.models import Role
    from tests.factories import DepartmentFactory, StaffFactory

    other = StaffFactory(role=Role.INSPECTOR, department=DepartmentFactory(parent=station.parent))
    client.force_login(other)
    assert client.get(reverse("services:inspection-work", args=[order.number])).status_code == 403


def test_theft_cases_are_only_for_inspectors_and_managers(client, order, ivan, grace):
    from decimal import Decimal

    from services.inspections.actions import NewFinding
    from services.inspections.models import FindingCategory, Severity

    finding = NewFinding(FindingCategory.THEFT, Severity.CRITICAL, "绕越计量", estimated_unbilled_kwh=Decimal("900"))
    actions.record_finding(order, by=ivan, finding=finding)
    assert TheftCase.objects.exists()
    client.force_login(grace)
    assert client.get(reverse("services:inspection-theft-cases")).status_code == 403
    client.force_login(ivan)
    assert "900" in client.get(reverse("services:inspection-theft-cases")).content.decode()


def test_the_flag_list_and_the_plans_take_a_fixed_number_of_queries(
    client, city, ivan, quarterly, django_assert_max_num_queries
):
    anomalies.scan(SCANNED)
    client.force_login(ivan)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("services:inspection-flags"), {"status": ""})
    assert response.status_code == 200 and response.content.decode().count("/services/inspections/flags/") >= 5
    with django_assert_max_num_queries(10):
        assert client.get(reverse("services:inspection-plans")).status_code == 200


def test_a_supervisor_dismisses_a_flag_on_its_page_and_an_inspector_may_not(client, city, mona, ivan):
    anomalies.scan(SCANNED)
    flag = AnomalyFlag.objects.first()
    client.force_login(ivan)
    assert (
        client.post(reverse("services:inspection-flag-review", args=[flag.pk, "dismiss"]), {"reason": "x"}).status_code
        == 403
    )
    client.force_login(mona)
    assert client.get(reverse("services:inspection-flag", args=[flag.pk])).status_code == 200
    response = client.post(reverse("services:inspection-flag-review", args=[flag.pk, "dismiss"]), {"reason": ""})
    assert response.status_code == 400
    client.post(reverse("services:inspection-flag-review", args=[flag.pk, "dismiss"]), {"reason": "空置房"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED


def test_the_account_page_shows_staff_the_inspection_history(
    client, order, hv_account, grace, django_assert_max_num_queries
):
    client.force_login(grace)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:detail", args=[hv_account.number]))
    assert order.number in response.content.decode()


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_lists_inspections_in_a_fixed_number_of_queries(client, order, ivan, django_assert_max_num_queries):
    client.force_login(ivan)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:inspection-list"))
    assert response.json()["results"][0]["number"] == order.number


def test_the_api_records_results_once_per_idempotency_key(client, order, ivan):
    client.force_login(ivan)
    items = list(order.inspection.checklist.items.values_list("pk", flat=True))
    body = {"results": [{"item": pk, "outcome": "passed"} for pk in items]}
    url = reverse("api:inspection-checklist", args=[order.number])
    first = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(first.json()["results"]) == len(items)


def test_the_api_refuses_bad_items_wrong_roles_and_closed_orders(client, order, ivan, grace):
    url = reverse("api:inspection-checklist", args=[order.number])
    client.force_login(grace)
    assert (
        client.post(url, {"results": [{"item": 1, "outcome": "passed"}]}, content_type="application/json").status_code
        == 403
    )
    client.force_login(ivan)
    assert (
        client.post(
            url, {"results": [{"item": 999999, "outcome": "passed"}]}, content_type="application/json"
        ).status_code
        == 400
    )
    assert client.get(reverse("api:inspection-detail", args=["0000"])).status_code == 404
    items = order.inspection.checklist.items.all()
    actions.record_results(order, by=ivan, results=[actions.ItemResult(item, Outcome.PASSED) for item in items])
    actions.complete_inspection(order, by=ivan)
    body = {"results": [{"item": items[0].pk, "outcome": "failed"}]}
    assert client.post(url, body, content_type="application/json").status_code == 409


def test_the_api_records_a_finding_with_its_notice(client, order, ivan):
    client.force_login(ivan)
    body = {
        "category": "violation",
        "severity": "medium",
        "description": "超容量用电",
        "required_action": "办理增容",
        "due_on": (timezone.localdate() + timezone.timedelta(days=15)).isoformat(),
        "legal_basis": "rules_violation",
    }
    response = client.post(
        reverse("api:inspection-findings", args=[order.number]), body, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["findings"][0]["rectify_by"] == body["due_on"]


def test_the_api_reviews_flags_for_supervisors_only(client, city, ivan, mona):
    anomalies.scan(SCANNED)
    flag = AnomalyFlag.objects.get(rule="drop")
    url = reverse("api:inspection-flag-review", args=[flag.pk])
    client.force_login(ivan)
    assert client.get(reverse("api:inspection-flag-list"), {"status": "open"}).json()["count"] == 5
    assert client.post(url, {"decision": "inspect"}, content_type="application/json").status_code == 403
    client.force_login(mona)
    response = client.post(url, {"decision": "inspect", "checklist": "low_voltage"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["inspection"]
    assert client.post(url, {"decision": "dismiss", "reason": "x"}, content_type="application/json").status_code == 409


def test_the_api_flag_list_takes_a_fixed_number_of_queries(client, city, ivan, django_assert_max_num_queries):
    anomalies.scan(SCANNED)
    client.force_login(ivan)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:inspection-flag-list"))
    assert response.json()["count"] == 5


def test_the_theft_case_list_takes_a_fixed_number_of_queries(client, order, ivan, django_assert_max_num_queries):
    from decimal import Decimal

    from services.inspections.actions import NewFinding
    from services.inspections.models import FindingCategory, Severity

    for text in ("表尾短接", "绕越计量"):
        finding = NewFinding(FindingCategory.THEFT, Severity.HIGH, text, estimated_unbilled_kwh=Decimal("10"))
        actions.record_finding(order, by=ivan, finding=finding)
    client.force_login(ivan)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("services:inspection-theft-cases"))
    assert response.content.decode().count(f">{order.number}<") == 2
