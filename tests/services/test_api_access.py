"""Who may call which work-order endpoint: every persona against every endpoint, with the exact status expected.

Anonymous callers get 403 (session authentication only: no challenge to send with a 401); an order the
caller may not see is 404; an action their role may not take is 403.
"""

from typing import NamedTuple

import pytest
from django.urls import reverse

from services.models import WorkOrder
from tests.services.test_views import report

pytestmark = pytest.mark.django_db


class Endpoint(NamedTuple):
    label: str
    method: str
    url_name: str
    action: str | None = None
    data: dict | None = None
    on_order: bool = False


FAULT = {"account": "3300000001", "fault_type": "no_power_home", "description": "停电", "channel": "95598"}
APPLICATION = {"account": "3300000001", "application_type": "other", "description": "咨询", "channel": "counter"}

ENDPOINTS = [
    Endpoint("list", "get", "api:work-order-list"),
    Endpoint("alice's order", "get", "api:work-order-detail", on_order=True),
    Endpoint("report a fault", "post", "api:fault-report-create", data=FAULT),
    Endpoint("file an application", "post", "api:service-application-create", data=APPLICATION),
    Endpoint("chase alice's", "post", "api:work-order-step", action="chase", on_order=True),
    Endpoint("accept alice's", "post", "api:work-order-action", action="accept", on_order=True),
    Endpoint("assign alice's", "post", "api:work-order-action", action="assign", on_order=True),
    Endpoint(
        "comment on alice's", "post", "api:work-order-action", action="comment", data={"text": "x"}, on_order=True
    ),
]

# fmt: off
EXPECTED = {
    #            list detail fault app  chase accept assign comment
    "anonymous": (403, 403,  403,  403, 403,  403,   403,   403),
    "alice":     (200, 200,  201,  201, 200,  403,   403,   403),
    "bob":       (200, 404,  400,  400, 404,  403,   403,   403),
    "charlie":   (200, 200,  201,  201, 403,  403,   400,   200),
    "grace":     (200, 200,  201,  201, 403,  403,   403,   200),
    "ray":       (200, 200,  201,  201, 403,  200,   403,   200),
    "ivan":      (200, 200,  403,  403, 403,  403,   403,   200),
    "hana":      (200, 200,  403,  403, 403,  403,   403,   200),
    "mona":      (200, 200,  201,  201, 403,  403,   400,   200),
    "root":      (200, 200,  403,  403, 403,  403,   403,   200),
}
# fmt: on

CASES = [
    pytest.param(persona, endpoint, status, id=f"{persona} {endpoint.label}")
    for persona, statuses in EXPECTED.items()
    for endpoint, status in zip(ENDPOINTS, statuses, strict=True)
]


@pytest.fixture
def alices_order(alice, bob, ray, grace) -> WorkOrder:
    return report(alice)


def call(client, endpoint: Endpoint, order: WorkOrder) -> object:
    args = [order.number] if endpoint.on_order else []
    if endpoint.action:
        args.append(endpoint.action)
    url = reverse(endpoint.url_name, args=args)
    if endpoint.method == "post":
        return client.post(url, endpoint.data or {}, content_type="application/json")
    return client.get(url)


@pytest.mark.parametrize(("persona", "endpoint", "expected"), CASES)
def test_every_persona_gets_the_expected_status_from_every_endpoint(
    client, personas, alices_order, persona, endpoint, expected
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    assert call(client, endpoint, alices_order).status_code == expected


@pytest.mark.parametrize("persona", ["charlie", "grace", "ivan", "mona"])
def test_a_role_refused_a_crew_step_changes_nothing(client, personas, alices_order, persona):
    events = alices_order.events.count()
    client.force_login(personas[persona])
    call(client, ENDPOINTS[5], alices_order)
    alices_order.refresh_from_db()
    assert (alices_order.status, alices_order.events.count()) == ("assigned", events)


def test_an_unknown_action_is_not_found(client, alices_order, ray):
    client.force_login(ray)
    url = reverse("api:work-order-action", args=[alices_order.number, "teleport"])
    assert client.post(url, {}, content_type="application/json").status_code == 404
