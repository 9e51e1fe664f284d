"""Counter staff file a customer's paper application from a page: a new connection with the clerk's scans, a
change of use for an account found by its number; the same rules as the customer's and the API's, channel
counter, only the roles of the connections' table and within the clerk's scope, throttled, once per form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from services.connections.models import ChangeOfUse, ConnectionType, Stage
from services.models import Channel, WorkOrder
from tests.factories import StaffFactory
from tests.services.connections.conftest import pdf

pytestmark = pytest.mark.django_db
ENTER_CONNECTION = "services:enter-connection"
ENTER_CHANGE = "services:enter-change"


def new_connection(grid, token: str, **extra) -> dict:
    return {
        "connection_type": ConnectionType.LV_RESIDENTIAL,
        "purpose": "new_installation",
        "grid": grid.pk,
        "location": "文三路 9 号",
        "applicant_name": "王小明",
        "capacity_kva": "8",
        "contact_phone": "13900000009",
        "submission": token,
        "document_identity": pdf("id.pdf"),
        "document_property": pdf("deed.pdf"),
        **extra,
    }


def tariff_change(number: str, token: str, **extra) -> dict:
    return {
        "account": number,
        "change_type": "tariff_change",
        "start_on": (timezone.localdate() + timedelta(days=6)).isoformat(),
        "new_tariff_code": "ZJ-RES-TOU",
        "contact_phone": "13900000001",
        "submission": token,
        **extra,
    }


def test_a_clerk_enters_a_paper_application_with_the_scanned_documents(
    client, charlie, grid, grace, django_assert_num_queries
):
    client.force_login(charlie)
    # Session, user, unread count; the clerk's department, its subtree and the 台区 in it, whatever the city's size.
    with django_assert_num_queries(6):
        page = client.get(reverse(ENTER_CONNECTION))
    assert page.status_code == 200 and page.context["submission"]
    response = client.post(reverse(ENTER_CONNECTION), new_connection(grid, page.context["submission"]))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("services:order", args=[order.number])
    assert order.channel == Channel.COUNTER and order.created_by == charlie and order.reported_by is None
    assert order.status == Stage.ACCEPTANCE and order.attachments.count() == 2
    assert order.business_application.applicant_name == "王小明" and order.contact_phone == "13900000009"
    assert client.get(response.url).status_code == 200


def test_a_retried_post_of_the_same_form_enters_the_application_once(client, charlie, grid, grace):
    client.force_login(charlie)
    token = client.get(reverse(ENTER_CONNECTION)).context["submission"]
    first = client.post(reverse(ENTER_CONNECTION), new_connection(grid, token))
    again = client.post(reverse(ENTER_CONNECTION), new_connection(grid, token))
    assert WorkOrder.objects.count() == 1 and again.status_code == 302 and again.url == first.url


def test_the_counter_checks_the_customers_rules(client, charlie, grid, alice):
    client.force_login(charlie)
    token = client.get(reverse(ENTER_CONNECTION)).context["submission"]
    data = new_connection(grid, token, purpose="capacity_increase", location="")
    response = client.post(reverse(ENTER_CONNECTION), data)
    assert response.status_code == 400 and "A capacity increase is made for an existing account." in response.text
    token = client.get(reverse(ENTER_CHANGE)).context["submission"]
    early = tariff_change("3300000001", token, start_on=timezone.localdate().isoformat())
    response = client.post(reverse(ENTER_CHANGE), early)
    assert response.status_code == 400 and "Apply at least 5 days ahead." in response.text
    assert not WorkOrder.objects.exists()


def test_a_clerk_enters_a_change_of_use_for_an_account_found_by_its_number(
    client, charlie, alice, django_assert_num_queries
):
    client.force_login(charlie)
    url = reverse(ENTER_CHANGE) + "?account=3300000001"
    with django_assert_num_queries(5):  # session, user, unread count, the clerk's scope: no account is listed
        page = client.get(url)
    assert page.status_code == 200 and 'value="3300000001"' in page.text
    response = client.post(url, tariff_change("3300000001", page.context["submission"]))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("services:order", args=[order.number])
    assert order.channel == Channel.COUNTER and order.account.number == "3300000001"
    assert order.customer_id == order.account.customer_id and order.contact_phone == "13900000001"
    assert ChangeOfUse.objects.get(pk=order.pk).new_tariff_code == "ZJ-RES-TOU"


def test_the_posts_query_count_does_not_grow_with_the_documents_given(
    client, charlie, grid, grace, django_assert_max_num_queries
):
    client.force_login(charlie)
    token = client.get(reverse(ENTER_CONNECTION)).context["submission"]
    with django_assert_max_num_queries(80):
        assert client.post(reverse(ENTER_CONNECTION), new_connection(grid, token)).status_code == 302


@pytest.mark.parametrize("role", [Role.REPAIR_CREW, Role.INSPECTOR, Role.COMPLAINT_HANDLER, Role.CONVENIENCE_AGENT])
def test_only_the_roles_that_file_for_customers_open_the_counter_pages(client, station, grid, alice, role):
    client.force_login(StaffFactory(role=role, department=station))
    for name in (ENTER_CONNECTION, ENTER_CHANGE):
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), tariff_change("3300000001", "")).status_code == 403
    assert not WorkOrder.objects.exists()


def test_customers_may_not_open_the_counter_pages(client, alice):
    client.force_login(alice)
    assert client.get(reverse(ENTER_CONNECTION)).status_code == 403
    assert client.get(reverse(ENTER_CHANGE)).status_code == 403


def test_a_clerk_may_not_file_for_an_account_or_area_outside_their_scope(client, alice, grid, grace):
    stranger = StaffFactory(role=Role.COUNTER_STAFF)  # a station of their own, not the account's
    client.force_login(stranger)
    token = client.get(reverse(ENTER_CHANGE)).context["submission"]
    response = client.post(reverse(ENTER_CHANGE), tariff_change("3300000001", token))
    assert response.status_code == 400 and "No electricity account in your area has this number." in response.text
    token = client.get(reverse(ENTER_CONNECTION)).context["submission"]
    response = client.post(reverse(ENTER_CONNECTION), new_connection(grid, token))
    assert response.status_code == 400 and "Select a valid choice." in response.text
    assert not WorkOrder.objects.exists()


def test_the_api_refuses_the_same_roles_and_scope(client, alice, grid, grace, ray):
    stranger = StaffFactory(role=Role.COUNTER_STAFF)
    data = {
        "account": "3300000001",
        "change_type": "tariff_change",
        "start_on": (timezone.localdate() + timedelta(days=6)).isoformat(),
        "new_tariff_code": "ZJ-RES-TOU",
        "description": "改类",
        "channel": Channel.COUNTER,
    }
    url = reverse("api:change-of-use-create")
    client.force_login(ray)
    assert client.post(url, data, content_type="application/json").status_code == 403
    client.force_login(stranger)
    assert client.post(url, data, content_type="application/json").status_code == 403
    assert not WorkOrder.objects.exists()


def test_the_counter_pages_are_throttled_per_clerk(client, charlie, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "connection_counter": (1, timedelta(days=1))}
    client.force_login(charlie)
    token = client.get(reverse(ENTER_CHANGE)).context["submission"]
    assert client.post(reverse(ENTER_CHANGE), tariff_change("3300000001", token)).status_code == 302
    token = client.get(reverse(ENTER_CHANGE)).context["submission"]
    response = client.post(reverse(ENTER_CHANGE), tariff_change("3300000001", token, new_tariff_code="ZJ-TOU"))
    assert response.status_code == 429 and WorkOrder.objects.count() == 1


def test_the_menu_and_the_account_page_lead_the_clerk_to_the_counter_pages(client, charlie, ray, alice):
    client.force_login(charlie)
    home = client.get(reverse("services:my-queue"))
    assert reverse(ENTER_CONNECTION) in home.text and reverse(ENTER_CHANGE) in home.text
    account = client.get(reverse("accounts:detail", args=["3300000001"]))
    assert f"{reverse(ENTER_CHANGE)}?account=3300000001" in account.text
    client.force_login(ray)  # takes fault reports by phone, but files no in-sale applications
    assert reverse(ENTER_CONNECTION) not in client.get(reverse("services:my-queue")).text
    client.force_login(alice)
    assert reverse(ENTER_CHANGE) not in client.get(reverse("accounts:detail", args=["3300000001"])).text
