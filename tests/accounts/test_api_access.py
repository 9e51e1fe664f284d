"""Who may call which API endpoint: every persona against every endpoint, with the exact status expected.

An account you may not see answers 404, an action you may not take 403 (accounts.permissions). Anonymous
callers get 403 too: with session authentication only there is no challenge to send with a 401, so DRF
answers 403.
"""

from typing import NamedTuple

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ElectricityAccount
from tests.factories import ElectricityAccountFactory, id_card_number

pytestmark = pytest.mark.django_db

FREE_NUMBER = "3300000099"
FREE_ID_NUMBER = id_card_number(4242)


class Endpoint(NamedTuple):
    label: str
    method: str
    url_name: str
    number: str | None = None
    data: dict | None = None


ENDPOINTS = [
    Endpoint("me", "get", "api:me"),
    Endpoint("list", "get", "api:account-list"),
    Endpoint("alice's account", "get", "api:account-detail", "3300000001"),
    Endpoint("unlinked account", "get", "api:account-detail", FREE_NUMBER),
    Endpoint("link", "post", "api:account-link", data={"number": FREE_NUMBER, "proof": FREE_ID_NUMBER}),
    Endpoint("unlink alice's", "delete", "api:account-unlink", "3300000001"),
]

# fmt: off
EXPECTED = {
    #               me   list  alice's  unlinked  link  unlink alice's
    "anonymous":  (403,  403,  403,     403,      403,  403),
    "alice":      (200,  200,  200,     404,      201,  204),
    "bob":        (200,  200,  404,     404,      201,  404),
    "charlie":    (200,  200,  200,     200,      403,  403),
    "grace":      (200,  200,  200,     200,      403,  403),
    "ray":        (200,  200,  200,     200,      403,  403),
    "ivan":       (200,  200,  200,     200,      403,  403),
    "hana":       (200,  200,  200,     200,      403,  403),
    "mona":       (200,  200,  200,     200,      403,  403),
    "root":       (200,  200,  200,     200,      403,  403),
}

# What the account list shows each caller.
STAFF_SEE = ["3300000001", "3300000002", FREE_NUMBER]
LIST_SHOWS = {
    "alice":   ["3300000001"],
    "bob":     ["3300000002"],
    "charlie": STAFF_SEE,
    "grace":   STAFF_SEE,
    "ray":     STAFF_SEE,
    "ivan":    STAFF_SEE,
    "hana":    STAFF_SEE,
    "mona":    STAFF_SEE,
    "root":    STAFF_SEE,
}
# fmt: on

CASES = [
    pytest.param(persona, endpoint, status, id=f"{persona} {endpoint.label}")
    for persona, statuses in EXPECTED.items()
    for endpoint, status in zip(ENDPOINTS, statuses, strict=True)
]


@pytest.fixture
def free_account(grid) -> ElectricityAccount:
    return ElectricityAccountFactory(number=FREE_NUMBER, grid=grid, customer__id_number=FREE_ID_NUMBER)


def call(client: Client, endpoint: Endpoint) -> object:
    url = reverse(endpoint.url_name, kwargs={"number": endpoint.number} if endpoint.number else None)
    if endpoint.method == "post":
        return client.post(url, endpoint.data, content_type="application/json")
    return getattr(client, endpoint.method)(url)


@pytest.mark.parametrize(("persona", "endpoint", "expected"), CASES)
def test_every_persona_gets_the_expected_status_from_every_endpoint(
    client, personas, free_account, persona, endpoint, expected
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    assert call(client, endpoint).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), LIST_SHOWS.items())
def test_the_account_list_shows_customers_only_their_own(client, personas, free_account, persona, expected):
    client.force_login(personas[persona])
    response = client.get(reverse("api:account-list"))
    assert [account["number"] for account in response.json()["results"]] == expected


@pytest.mark.parametrize("persona", ["charlie", "root"])
def test_refusing_staff_a_link_or_unlink_changes_nothing(client, personas, free_account, persona):
    client.force_login(personas[persona])
    call(client, ENDPOINTS[4])
    call(client, ENDPOINTS[5])
    assert ElectricityAccount.objects.get(number=FREE_NUMBER).linked_user is None
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == personas["alice"]


def test_an_anonymous_caller_is_told_to_sign_in(client, alice):
    response = client.get(reverse("api:account-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Authentication credentials were not provided."}
