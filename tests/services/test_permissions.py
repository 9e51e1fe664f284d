"""Who may act on an order: staff read every order, but act only on their own units' (services.permissions).

One rule for the order page, the order API and uploads: the order is assigned to the actor, or held by the
actor's department or a unit below it, or the actor is an administrator.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from services import permissions
from services.models import Status
from tests.factories import DepartmentFactory, StaffFactory
from tests.services.test_views import PNG, apply_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_station(company):
    return DepartmentFactory(code="C0001-02", name="城西供电所", parent=company)


@pytest.fixture
def olga(other_station):
    """A grid manager of another supply station under the same company."""
    return StaffFactory(username="olga", full_name="欧经理", role=Role.GRID_MANAGER, department=other_station)


@pytest.fixture
def application(alice, grace):
    order = apply_for(alice)
    assert order.assigned_to == grace  # routed to the 台区's own customer manager, in the station
    return order


def resolve_on_page(client, order):
    url = reverse("services:act", args=[order.number, "resolve"])
    return client.post(url, {"resolve-result": "已处理"})


def test_a_grid_manager_of_another_station_reads_the_order_but_may_not_act_on_it(client, application, olga):
    client.force_login(olga)
    page = client.get(reverse("services:order", args=[application.number]))
    assert page.status_code == 200
    assert [form.name for form in page.context["actions"]] == ["comment"]

    assert client.post(reverse("services:act", args=[application.number, "start"])).status_code == 403
    api = reverse("api:work-order-action", args=[application.number, "start"])
    assert client.post(api, {}, content_type="application/json").status_code == 403
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED


def test_the_assignee_acts_wherever_their_department(client, application, olga):
    application.assigned_to = olga
    application.save(update_fields=["assigned_to"])
    client.force_login(olga)
    assert client.post(reverse("services:act", args=[application.number, "start"])).status_code == 302


def test_a_manager_above_the_station_acts_on_its_orders_and_one_beside_it_does_not(client, application, company):
    branch_manager = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=company)
    sibling = DepartmentFactory(parent=company)
    sibling_manager = StaffFactory(role=Role.DEPARTMENT_MANAGER, department=sibling)
    assert permissions.may_act_on(application, branch_manager)
    assert not permissions.may_act_on(application, sibling_manager)


def test_an_administrator_acts_on_any_order(application):
    admin = StaffFactory(role=Role.ADMINISTRATOR, department=None)
    assert permissions.may_act_on(application, admin)


def test_an_order_held_by_no_department_is_its_grids_departments(application, grace, olga):
    application.department = None
    application.assigned_to = None
    application.save(update_fields=["department", "assigned_to"])
    assert permissions.may_act_on(application, grace)
    assert not permissions.may_act_on(application, olga)


def test_customers_act_on_no_order_as_staff(application, alice):
    assert not permissions.may_act_on(application, alice)


def test_another_station_may_comment_internally_but_not_speak_to_the_customer(client, application, olga):
    client.force_login(olga)
    url = reverse("services:act", args=[application.number, "comment"])
    assert client.post(url, {"comment-text": "可协助", "comment-is_public": "on"}).status_code == 302
    event = application.events.get(kind="comment")
    assert (event.note, event.is_public) == ("可协助", False)


def test_another_station_may_not_attach_files_to_the_order(client, application, olga, grace):
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.force_login(olga)
    url = reverse("services:upload", args=[application.number])
    assert client.post(url, {"upload": upload}).status_code == 403
    client.force_login(grace)
    upload.seek(0)
    assert client.post(url, {"upload": upload}).status_code == 302


def test_the_customers_fault_confirm_step_cannot_close_a_service_application(client, alice, application, grace):
    """The page once took a fault's confirm on any order; now the page and the API share one table of steps."""
    client.force_login(grace)
    client.post(reverse("services:act", args=[application.number, "start"]))
    resolve_on_page(client, application)
    application.refresh_from_db()
    assert application.status == Status.RESOLVED
    client.force_login(alice)
    assert client.post(reverse("services:step", args=[application.number, "confirm"])).status_code == 409
    api = reverse("api:work-order-step", args=[application.number, "confirm"])
    assert client.post(api, {}, content_type="application/json").status_code == 409
    application.refresh_from_db()
    assert application.status == Status.RESOLVED
