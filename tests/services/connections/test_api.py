"""New connections and changes of use through /api/v1/: filing with files (idempotent, throttled), where an
application is, the documents round, the stage steps on the backbone's action endpoint, the funnel."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.connections.models import Stage
from services.models import WorkOrder
from tests.services.connections.conftest import pdf

pytestmark = pytest.mark.django_db


def filing(grid) -> dict:
    return {
        "connection_type": "lv_residential",
        "purpose": "new_installation",
        "capacity_kva": "8",
        "location": "文三路 9 号",
        "grid": grid.code,
        "description": "新房",
        "document_identity": pdf(),
        "document_property": pdf(),
    }


def test_a_customer_files_with_documents_once_per_idempotency_key(client, alice, grid, charlie):
    client.force_login(alice)
    url = reverse("api:business-application-create")
    first = client.post(url, filing(grid), headers={"Idempotency-Key": "a-1"})
    again = client.post(url, filing(grid), headers={"Idempotency-Key": "a-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["number"] == again.json()["number"] and WorkOrder.objects.count() == 1
    assert first.json()["status"] == Stage.ACCEPTANCE


def test_filing_is_throttled(client, alice, grid, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "connection_filing": (1, timedelta(days=1))}
    client.force_login(alice)
    url = reverse("api:business-application-create")
    assert client.post(url, filing(grid)).status_code == 201
    assert client.post(url, filing(grid)).status_code == 429


def test_where_an_application_is_for_its_customer_only(
    client, lv_application, alice, bob, django_assert_max_num_queries
):
    url = reverse("api:business-application-detail", args=[lv_application.number])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        body = client.get(url).json()
    assert [row["stage"] for row in body["stages"]] == [
        "acceptance",
        "supply_plan",
        "construction",
        "final_inspection",
        "energisation",
    ]
    assert body["stages"][0]["state"] == "current" and body["stages"][0]["due_at"]
    assert body["stages"][1]["limit_days"] == 2 and body["stages"][2]["is_company"] is False


def test_the_documents_round_through_the_api(client, lv_application, alice, bob, charlie, ray):
    action = reverse("api:work-order-action", args=[lv_application.number, "review_documents"])
    verdicts = {"verdict_identity": "accepted", "verdict_property": "missing", "reason_property": "No deed"}
    client.force_login(ray)
    assert client.post(action, verdicts, content_type="application/json").status_code == 403
    client.force_login(charlie)
    assert client.post(action, verdicts, content_type="application/json").status_code == 200
    again = {"verdict_identity": "missing", "reason_identity": "Again"}
    assert client.post(action, again, content_type="application/json").status_code == 409
    documents = reverse("api:business-application-documents", args=[lv_application.number])
    client.force_login(bob)
    assert client.post(documents, {"document_property": pdf()}).status_code == 404
    client.force_login(alice)
    response = client.post(documents, {"document_property": pdf()})
    assert response.status_code == 200 and response.json()["status"] == Stage.ACCEPTANCE
    assert client.post(documents, {"document_property": pdf()}).status_code == 409


def test_a_staff_step_with_a_file_through_the_api(client, lv_application, charlie, grace):
    client.force_login(charlie)
    review = reverse("api:work-order-action", args=[lv_application.number, "review_documents"])
    client.post(
        review, {"verdict_identity": "accepted", "verdict_property": "accepted"}, content_type="application/json"
    )
    accept = reverse("api:work-order-action", args=[lv_application.number, "accept_application"])
    assert client.post(accept, {}, content_type="application/json").status_code == 200
    client.force_login(grace)
    plan = reverse("api:work-order-action", args=[lv_application.number, "reply_supply_plan"])
    assert client.post(plan, {"note": "220 V"}).status_code == 400  # the plan's file is required
    assert client.post(plan, {"note": "220 V", "plan": pdf()}).status_code == 200
    assert WorkOrder.objects.get(pk=lv_application.pk).status == Stage.CONSTRUCTION


def test_a_change_of_use_through_the_api(client, alice):
    client.force_login(alice)
    url = reverse("api:change-of-use-create")
    start = (timezone.localdate() + timedelta(days=6)).isoformat()
    body = {"account": "3300000001", "change_type": "suspension", "start_on": start, "description": "出差"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "end_on" in response.json()
    body["end_on"] = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "c-1"})
    assert response.status_code == 201 and response.json()["kind"] == "change_of_use"


def test_the_funnel_api_is_for_managers(client, lv_application, alice, mona, django_assert_max_num_queries):
    url = reverse("api:business-application-funnel")
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(mona)
    with django_assert_max_num_queries(6):
        rows = client.get(url).json()
    assert {"stage": "acceptance", "open_now": 1}.items() <= rows[0].items()
