"""The work-order API through the client: lists, detail, new requests, staff actions and customer steps."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from services import actions
from services.applications.models import ServiceApplicationType
from services.models import Clock, EventKind, Priority, Status, WorkOrder
from services.repair import actions as repair
from services.repair.models import FAULT_REPAIR, FaultType
from tests.factories import StaffFactory
from tests.services.test_views import apply_for, report, walk_to_resolved

pytestmark = pytest.mark.django_db


def action_url(order: WorkOrder, action: str) -> str:
    return reverse("api:work-order-action", args=[order.number, action])


def test_a_customer_reports_a_fault_through_the_api(client, alice, ray):
    client.force_login(alice)
    response = client.post(
        reverse("api:fault-report-create"),
        {"account": "3300000001", "fault_type": FaultType.NO_POWER_AREA, "description": "整栋楼停电"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    order = WorkOrder.objects.get()
    assert (body["number"], body["kind"], body["channel"]) == (order.number, FAULT_REPAIR, "web")
    assert [clock["name"] for clock in body["clocks"]] == ["arrival"]
    assert all(event["is_public"] for event in body["timeline"])


def test_a_fault_report_with_bad_input_answers_400_by_field(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        reverse("api:fault-report-create"),
        {"account": "3300000002", "fault_type": "meteor", "description": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"account", "fault_type", "description"}
    assert not WorkOrder.objects.exists()


def test_staff_must_say_how_a_request_came_in(client, charlie, alice):
    client.force_login(charlie)
    data = {"account": "3300000001", "application_type": ServiceApplicationType.OTHER, "description": "x"}
    response = client.post(reverse("api:service-application-create"), data, content_type="application/json")
    assert response.status_code == 400
    assert "channel" in response.json()
    data["channel"] = "95598"
    response = client.post(reverse("api:service-application-create"), data, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["channel"] == "95598"


def test_staff_report_a_fault_for_a_caller_without_an_account(client, charlie, grid, ray):
    client.force_login(charlie)
    data = {
        "channel": "95598",
        "fault_type": FaultType.DANGER,
        "grid": grid.code,
        "location": "路口",
        "contact_phone": "13900000009",
        "description": "电线掉落",
    }
    response = client.post(reverse("api:fault-report-create"), data, content_type="application/json")
    assert response.status_code == 201
    del data["location"]
    response = client.post(reverse("api:fault-report-create"), data, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_the_detail_shows_customers_only_public_events(client, alice, ray):
    order = report(alice)
    actions.add_comment(order, by=ray, text="内部", public=False)
    client.force_login(alice)
    notes = [
        event["note"] for event in client.get(reverse("api:work-order-detail", args=[order.number])).json()["timeline"]
    ]
    assert "内部" not in notes
    client.force_login(ray)
    body = client.get(reverse("api:work-order-detail", args=[order.number])).json()
    assert "内部" in [event["note"] for event in body["timeline"]]
    assert body["allowed_actions"] == ["accept", "comment"]


def test_the_crew_walks_a_fault_through_the_api(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    for step, data in [("accept", {}), ("depart", {}), ("arrive", {}), ("restore", {"cause": "树枝搭线"})]:
        response = client.post(action_url(order, step), data, content_type="application/json")
        assert response.status_code == 200, (step, response.json())
    assert response.json()["status"] == Status.RESOLVED
    states = {clock["name"]: clock["state"] for clock in response.json()["clocks"]}
    assert states == {"arrival": "met", "restoration": "met"}


def test_a_disallowed_transition_answers_409_with_its_message_and_changes_nothing(client, alice, ray):
    order = report(alice)
    events = order.events.count()
    client.force_login(ray)
    response = client.post(action_url(order, "restore"), {"cause": "x"}, content_type="application/json")
    assert response.status_code == 409
    assert "cannot go from" in response.json()["detail"]
    order.refresh_from_db()
    assert (order.status, order.events.count()) == (Status.ASSIGNED, events)


def test_an_action_missing_its_input_answers_400(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    walk = [("accept", {}), ("depart", {}), ("arrive", {})]
    for step, data in walk:
        client.post(action_url(order, step), data, content_type="application/json")
    response = client.post(action_url(order, "restore"), {}, content_type="application/json")
    assert response.status_code == 400
    assert "cause" in response.json()


def test_a_comment_through_the_api_is_internal_unless_said(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    client.post(action_url(order, "comment"), {"text": "内部"}, content_type="application/json")
    client.post(action_url(order, "comment"), {"text": "公开", "is_public": True}, content_type="application/json")
    comments = order.events.filter(kind=EventKind.COMMENT).order_by("pk")
    assert [(event.note, event.is_public) for event in comments] == [("内部", False), ("公开", True)]


def test_a_telephone_return_visit_through_the_api(client, alice, ray, charlie):
    order = report(alice)
    walk_to_resolved(order, ray)
    repair.confirm_restoration(order, by=alice)
    client.force_login(charlie)
    data = {"overall": 5, "scores": {"courtesy": 4}, "comment": "满意"}
    response = client.post(action_url(order, "phone_visit"), data, content_type="application/json")
    assert response.status_code == 200
    assert (order.return_visit.overall, order.return_visit.courtesy, order.return_visit.channel) == (5, 4, "phone")
    again = client.post(action_url(order, "phone_visit"), data, content_type="application/json")
    assert again.status_code == 409


def test_a_customer_chases_confirms_or_disputes_through_the_api(client, alice, ray):
    order = report(alice)
    client.force_login(alice)
    assert client.post(reverse("api:work-order-step", args=[order.number, "chase"])).status_code == 200
    assert client.post(reverse("api:work-order-step", args=[order.number, "confirm"])).status_code == 409
    walk_to_resolved(order, ray)
    response = client.post(
        reverse("api:work-order-step", args=[order.number, "dispute"]), {}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        reverse("api:work-order-step", args=[order.number, "dispute"]),
        {"note": "仍然没电"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.ASSIGNED


def test_the_list_is_most_urgent_first_and_filters(client, alice, bob, ray):
    calm, late = report(alice), report(bob)
    Clock.objects.filter(order=late).update(due_at=timezone.now() - timedelta(minutes=1))
    client.force_login(ray)
    body = client.get(reverse("api:work-order-list")).json()
    assert [row["number"] for row in body["results"]] == [late.number, calm.number]
    assert [row["is_breached"] for row in body["results"]] == [True, False]
    breached = client.get(reverse("api:work-order-list"), {"sla_state": "breached"}).json()["results"]
    assert [row["number"] for row in breached] == [late.number]
    assert client.get(reverse("api:work-order-list"), {"assigned": "me"}).json()["count"] == 2
    assert client.get(reverse("api:work-order-list"), {"kind": "service_application"}).json()["count"] == 0
    # A kind no package has registered is bad input, not an empty list.
    assert client.get(reverse("api:work-order-list"), {"kind": "teleport"}).status_code == 400


def test_an_urgent_order_leads_the_list_even_before_a_breached_one(client, alice, bob, ray):
    late, emergency = report(alice), report(bob)
    Clock.objects.filter(order=late).update(due_at=timezone.now() - timedelta(minutes=1))
    WorkOrder.objects.filter(pk=emergency.pk).update(priority=Priority.URGENT)
    client.force_login(ray)
    body = client.get(reverse("api:work-order-list")).json()
    assert [row["number"] for row in body["results"]] == [emergency.number, late.number]


def test_a_customer_lists_only_their_own_orders(client, alice, bob, ray):
    mine, _theirs = report(alice), report(bob)
    client.force_login(alice)
    assert [row["number"] for row in client.get(reverse("api:work-order-list")).json()["results"]] == [mine.number]


def test_an_unknown_filter_value_answers_400(client, ray):
    client.force_login(ray)
    assert client.get(reverse("api:work-order-list"), {"sla_state": "sideways"}).status_code == 400


@pytest.mark.parametrize(
    ("persona", "query"), [("alice", {}), ("ray", {}), ("ray", {"assigned": "me"}), ("mona", {"assigned": "team"})]
)
def test_the_list_costs_the_same_queries_for_few_or_many_orders(client, personas, persona, query):
    client.force_login(personas[persona])
    url = reverse("api:work-order-list")
    report(personas["alice"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    for _n in range(6):
        report(personas["alice"])
        apply_for(personas["alice"])
    with CaptureQueriesContext(connection) as many:
        body = client.get(url, query).json()
    assert body["count"] >= 7
    assert len(few) == len(many)


def test_a_crew_step_on_another_crew_members_order_is_forbidden_and_changes_nothing(client, alice, ray, station):
    order = report(alice)
    client.force_login(StaffFactory(username="rex", role=Role.REPAIR_CREW, department=station))
    response = client.post(reverse("api:work-order-action", args=[order.number, "accept"]), {}, "application/json")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED


@pytest.mark.parametrize("persona", ["alice", "ray"])
def test_the_detail_costs_the_same_queries_for_a_short_or_long_timeline(client, personas, persona):
    order = report(personas["alice"])
    client.force_login(personas[persona])
    url = reverse("api:work-order-detail", args=[order.number])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(8):
        actions.add_comment(order, by=personas["ray"], text=f"进展 {n}", public=True)
    assert queries() == few


def test_a_chase_too_soon_after_the_last_is_429_with_retry_after_on_the_page_and_in_the_api(client, alice):
    order = report(alice)
    client.force_login(alice)
    api = reverse("api:work-order-step", args=[order.number, "chase"])
    assert client.post(api, {}, content_type="application/json").status_code == 200
    again = client.post(api, {}, content_type="application/json")
    assert again.status_code == 429
    assert int(again["Retry-After"]) > 0
    page = client.post(reverse("services:step", args=[order.number, "chase"]))
    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert order.events.filter(kind=EventKind.CHASE).count() == 1
    # Until then the progress page offers no chase.
    steps = client.get(reverse("services:order", args=[order.number])).context["step_forms"]
    assert "chase" not in [form.step.name for form in steps]


def close(order: WorkOrder, crew, customer) -> WorkOrder:
    walk_to_resolved(order, crew)
    return repair.confirm_restoration(order, by=customer)


def test_staff_list_open_orders_by_default_and_the_closed_ones_on_asking(client, alice, bob, ray):
    first, second, still_open = report(alice), report(bob), report(alice)
    close(first, ray, alice)
    close(second, ray, bob)
    WorkOrder.objects.filter(pk=first.pk).update(closed_at=timezone.now() - timedelta(hours=1))
    client.force_login(ray)
    url = reverse("api:work-order-list")
    assert [row["number"] for row in client.get(url).json()["results"]] == [still_open.number]
    history = client.get(url, {"state": "closed"}).json()
    assert [row["number"] for row in history["results"]] == [second.number, first.number]
    # A closed status asks for the history by itself rather than filtering the open orders to nothing.
    assert client.get(url, {"status": "closed"}).json()["count"] == 2
    assert client.get(url, {"state": "sideways"}).status_code == 400


def test_a_customer_lists_their_closed_requests_too_unless_they_ask_for_one_state(client, alice, ray):
    done, current = report(alice), report(alice)
    close(done, ray, alice)
    client.force_login(alice)
    url = reverse("api:work-order-list")
    assert {row["number"] for row in client.get(url).json()["results"]} == {done.number, current.number}
    assert [row["number"] for row in client.get(url, {"state": "open"}).json()["results"]] == [current.number]


def test_the_lists_count_stops_at_the_cap_and_says_so(client, alice, ray, monkeypatch):
    monkeypatch.setattr("services.queues.CappedPaginator.cap", 2)
    client.force_login(ray)
    url = reverse("api:work-order-list")
    report(alice)
    assert client.get(url).json() | {"results": []} == {
        "count": 1,
        "count_is_capped": False,
        "next": None,
        "previous": None,
        "results": [],
    }
    for _n in range(3):
        report(alice)
    body = client.get(url).json()
    assert (body["count"], body["count_is_capped"]) == (3, True)


def test_the_schema_documents_the_capped_count_and_the_state_filter(client, ray):
    client.force_login(ray)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/work-orders/"]["get"]
    assert "state" in {parameter["name"] for parameter in listing["parameters"]}
    page = schema["components"]["schemas"]["PaginatedWorkOrderList"]
    assert "count_is_capped" in page["properties"]
