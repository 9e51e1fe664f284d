"""Who may open which work-order page: every persona against every page, with the exact status expected.

Anonymous visitors are sent to sign in (302); an order you may not see is 404; a page or action your role
may not use is 403 (services.views, services.forms.ActionForm.roles).
"""

from typing import NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services import attachments
from services.models import WorkOrder
from tests.services.test_views import PNG, report

pytestmark = pytest.mark.django_db


class Page(NamedTuple):
    label: str
    method: str
    url_name: str
    on_order: bool = False
    data: dict | None = None


PAGES = [
    Page("my requests", "get", "services:my-requests"),
    Page("report a fault", "get", "services:report-fault"),
    Page("service application", "get", "services:file-application"),
    Page("alice's order", "get", "services:order", on_order=True),
    Page("chase alice's", "post", "services:step", on_order=True),
    Page("alice's attachment", "get", "services:attachment", on_order=True),
    Page("my queue", "get", "services:my-queue"),
    Page("team queue", "get", "services:team-queue"),
    Page("dispatcher", "get", "services:dispatcher"),
    Page("enter a fault", "get", "services:enter-fault"),
    Page("enter an application", "get", "services:enter-application"),
    Page("accept alice's", "post", "services:act", on_order=True, data={}),
    Page("assign alice's", "post", "services:act", on_order=True, data={}),
    Page("comment on alice's", "post", "services:act", on_order=True, data={"comment-text": "ok"}),
    Page("inbox", "get", "services:inbox"),
]
ACTION_OF = {
    "chase alice's": "chase",
    "accept alice's": "accept",
    "assign alice's": "assign",
    "comment on alice's": "comment",
}

# fmt: off
EXPECTED = {
    #            mine req  app  order chase file queue team disp entF entA accept assign comment inbox
    "anonymous": (302, 302, 302, 302, 302,  302, 302,  302, 302, 302, 302, 302,   302,   302,    302),
    "alice":     (200, 200, 200, 200, 302,  200, 403,  403, 403, 403, 403, 403,   403,   403,    200),
    "bob":       (200, 200, 200, 404, 404,  404, 403,  403, 403, 403, 403, 403,   403,   403,    200),
    "charlie":   (403, 403, 403, 200, 403,  200, 200,  200, 200, 200, 200, 403,   400,   302,    200),
    "grace":     (403, 403, 403, 200, 403,  200, 200,  200, 403, 200, 200, 403,   403,   302,    200),
    "ray":       (403, 403, 403, 200, 403,  200, 200,  200, 200, 200, 200, 302,   403,   302,    200),
    "ivan":      (403, 403, 403, 200, 403,  200, 200,  200, 403, 403, 403, 403,   403,   302,    200),
    "hana":      (403, 403, 403, 200, 403,  200, 200,  200, 403, 403, 403, 403,   403,   302,    200),
    "mona":      (403, 403, 403, 200, 403,  200, 200,  200, 200, 200, 200, 403,   400,   302,    200),
    "root":      (403, 403, 403, 200, 403,  200, 200,  200, 403, 403, 403, 403,   403,   302,    200),
}
# fmt: on

CASES = [
    pytest.param(persona, page, status, id=f"{persona} {page.label}")
    for persona, statuses in EXPECTED.items()
    for page, status in zip(PAGES, statuses, strict=True)
]


@pytest.fixture
def alices_order(alice, bob, ray) -> WorkOrder:
    order = report(alice)
    upload = SimpleUploadedFile("meter.png", PNG, content_type="image/png")
    attachments.add_attachment(order, by=alice, upload=upload)
    return order


def url_for(page: Page, order: WorkOrder) -> str:
    if page.url_name == "services:attachment":
        return reverse(page.url_name, args=[order.number, order.attachments.get().pk])
    if page.url_name in ("services:act", "services:step"):
        return reverse(page.url_name, args=[order.number, ACTION_OF[page.label]])
    return reverse(page.url_name, args=[order.number] if page.on_order else None)


@pytest.mark.parametrize(("persona", "page", "expected"), CASES)
def test_every_persona_gets_the_expected_status_from_every_page(
    client, personas, alices_order, persona, page, expected
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    url = url_for(page, alices_order)
    response = client.post(url, page.data or {}) if page.method == "post" else client.get(url)
    assert response.status_code == expected


def test_a_refused_action_by_role_changes_nothing(client, alice, bob, ray, charlie):
    order = report(alice)
    events = order.events.count()
    client.force_login(charlie)
    assert client.post(reverse("services:act", args=[order.number, "accept"])).status_code == 403
    order.refresh_from_db()
    assert (order.status, order.events.count()) == ("assigned", events)


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "root"])
def test_the_rating_page_needs_a_valid_token_whoever_opens_it(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("services:return-visit", args=["nonsense"])).status_code == 400


def test_an_unknown_action_is_not_found(client, alice, ray):
    order = report(alice)
    client.force_login(ray)
    assert client.post(reverse("services:act", args=[order.number, "teleport"])).status_code == 404
