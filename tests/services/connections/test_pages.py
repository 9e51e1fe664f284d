"""New connections and changes of use through the pages: filing with documents, the stage steps by role (403),
refused steps (409), the customer's own application only (404), the funnel, the account's history panel."""

import pytest
from django.urls import reverse

from accounts.models import Role
from services.connections import actions
from services.connections.models import BusinessApplication, ConnectionType, Stage
from services.models import Status, WorkOrder
from tests.factories import StaffFactory
from tests.services.connections.conftest import file_application, pdf

pytestmark = pytest.mark.django_db
ACCEPT_ALL = {"identity": ("accepted", ""), "property": ("accepted", "")}


def act(client, user, order, action, data=None):
    client.force_login(user)
    prefixed = {f"{action}-{key}": value for key, value in (data or {}).items()}  # the page's forms are prefixed
    return client.post(reverse("services:act", args=[order.number, action]), prefixed)


def test_a_customer_files_a_residential_application_with_documents(client, alice, grid, charlie):
    client.force_login(alice)
    page = client.get(reverse("services:apply-connection"))
    assert page.status_code == 200
    data = {
        "connection_type": ConnectionType.LV_RESIDENTIAL,
        "purpose": "new_installation",
        "grid": grid.pk,
        "location": "文三路 9 号",
        "applicant_name": "Alice",
        "capacity_kva": "8",
        "contact_phone": "13900000001",
        "submission": page.context["submission"],
        "document_identity": pdf("id.pdf"),
        "document_property": pdf("deed.pdf"),
    }
    response = client.post(reverse("services:apply-connection"), data)
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("services:order", args=[order.number])
    assert order.status == Stage.ACCEPTANCE and order.attachments.count() == 2
    progress = client.get(response.url)
    assert "Where your application is" in progress.text and "Limit 1 working day" in progress.text


def test_staff_work_only_the_stages_their_role_works(client, lv_application, ray, ivan, charlie):
    assert act(client, ray, lv_application, "review_documents").status_code == 403
    assert act(client, ivan, lv_application, "accept_application").status_code == 403
    verdicts = {"verdict_identity": "accepted", "verdict_property": "accepted"}
    assert act(client, charlie, lv_application, "review_documents", verdicts).status_code == 302


def test_high_voltage_plans_are_the_department_managers(client, alice, grid, charlie, grace, mona):
    documents = {code: pdf() for code in ("identity", "property", "load_list", "drawings")}
    order = file_application(alice, grid=grid, connection_type=ConnectionType.HV_SINGLE, documents=documents)
    actions.review_documents(order, by=charlie, verdicts={code: ("accepted", "") for code in documents})
    actions.accept_application(order, by=charlie)
    assert act(client, grace, order, "reply_supply_plan", {"note": "10 kV", "plan": pdf()}).status_code == 403
    assert act(client, mona, order, "reply_supply_plan", {"note": "10 kV", "plan": pdf()}).status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).status == Stage.CONSTRUCTION


def test_a_step_of_another_stage_is_refused_with_409(client, lv_application, grace, charlie):
    response = act(client, grace, lv_application, "energise", {"meter_number": "M1"})
    assert response.status_code == 409
    response = act(client, charlie, lv_application, "accept_application")
    assert response.status_code == 409 and "Every document" in response.text
    assert WorkOrder.objects.get(pk=lv_application.pk).status == Stage.ACCEPTANCE


def test_staff_outside_the_orders_department_may_not_act(client, lv_application):
    stranger = StaffFactory(role=Role.COUNTER_STAFF)
    assert act(client, stranger, lv_application, "accept_application").status_code == 403


def test_the_customer_supplies_what_the_notice_asked_for_on_their_own_application(
    client, lv_application, alice, bob, charlie
):
    actions.review_documents(
        lv_application, by=charlie, verdicts={"identity": ("accepted", ""), "property": ("missing", "No deed")}
    )
    url = reverse("services:supply-documents", args=[lv_application.number])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    page = client.get(reverse("services:order", args=[lv_application.number]))
    assert "No deed" in page.text and url in page.text
    response = client.post(url, {"property": pdf()})
    assert response.status_code == 302
    assert WorkOrder.objects.get(pk=lv_application.pk).status == Stage.ACCEPTANCE
    assert client.get(url).status_code == 404  # nothing is wanting any more


def test_the_funnel_is_for_managers_and_stage_workers(
    client, lv_application, alice, mona, django_assert_max_num_queries
):
    for _n in range(3):
        file_application(alice, grid=lv_application.grid)
    client.force_login(alice)
    assert client.get(reverse("services:connection-funnel")).status_code == 403
    client.force_login(mona)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("services:connection-funnel"))
    assert response.status_code == 200 and "Application accepted, documents checked" in response.text


def test_the_account_page_shows_its_history_to_staff_and_customer(client, alice, grace, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from services.connections.models import ChangeType
    from services.models import Channel

    account = alice.linked_accounts.get()
    for code in ("ZJ-TOU", "ZJ-RES-TIER", "ZJ-TOU"):
        account.refresh_from_db()
        order = actions.file_change_of_use(
            by=alice,
            channel=Channel.WEB,
            change_type=ChangeType.TARIFF_CHANGE,
            account=account,
            start_on=timezone.localdate() + timedelta(days=6),
            new_tariff_code=code,
        )
        actions.complete_change(actions.start_change(order, by=grace), by=grace)
    url = reverse("accounts:detail", args=[account.number])
    for user in (alice, grace):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.text.count("Tariff-class change") == 3 and "ZJ-RES-TIER → ZJ-TOU" in response.text


def test_a_customer_files_a_change_of_use_through_the_page(client, alice):
    client.force_login(alice)
    page = client.get(reverse("services:apply-change"))
    data = {
        "account": "3300000001",
        "change_type": "suspension",
        "start_on": "2020-01-01",
        "contact_phone": "13900000001",
        "submission": page.context["submission"],
    }
    response = client.post(reverse("services:apply-change"), data)
    assert response.status_code == 400 and "at least 5 days ahead" in response.text
    assert not WorkOrder.objects.exists()


def test_the_order_page_shows_no_raw_codes_for_stages(client, lv_application, charlie):
    client.force_login(charlie)
    response = client.get(reverse("services:order", args=[lv_application.number]))
    assert response.status_code == 200
    assert "stage:acceptance" not in response.text and "Whole process (company&#x27;s time)" in response.text
    assert BusinessApplication.objects.count() == 1 and Status.WAITING_CUSTOMER


def test_the_customer_reports_completion_only_during_construction(client, lv_application, alice, charlie, grace):
    step = reverse("services:step", args=[lv_application.number, "report_completion"])
    client.force_login(alice)
    assert client.post(step).status_code == 409  # still at acceptance
    actions.review_documents(lv_application, by=charlie, verdicts=ACCEPT_ALL)
    order = actions.reply_supply_plan(
        actions.accept_application(lv_application, by=charlie), by=grace, plan=pdf(), note=""
    )
    page = client.get(reverse("services:order", args=[order.number]))
    assert step in page.text and reverse("services:step", args=[order.number, "submit_design"]) not in page.text
    assert client.post(step).status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).status == Stage.FINAL_INSPECTION
