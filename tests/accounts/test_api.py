"""The accounts API (/api/v1/): the current user, account lists and detail, linking and unlinking.

Who may call what is in test_api_access.py; this module holds what each endpoint answers.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import identity
from accounts.actions import LinkRefused
from accounts.api import link_refusal_error
from accounts.models import (
    AccountStatus,
    AreaType,
    CustomerClass,
    ElectricityAccount,
    LinkAttempt,
    User,
    VoltageLevel,
)
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import (
    ElectricityAccountFactory,
    MeterReadingFactory,
    ServiceGridFactory,
    UserFactory,
    id_card_number,
)

pytestmark = pytest.mark.django_db

FREE_NUMBER = "3300000099"
FREE_ID_NUMBER = id_card_number(4242)
# A well-formed identity number that is not the one on file for any account here.
WRONG_PROOF = id_card_number(9999)


@pytest.fixture
def api(client: Client) -> Client:
    """The test client, asking for English so that messages can be compared with their source strings."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def carol(db) -> User:
    """A customer who registered but has not linked any account yet."""
    return UserFactory(username="carol", full_name="Carol")


@pytest.fixture
def free_account(grid) -> ElectricityAccount:
    """An account nobody has linked yet."""
    return ElectricityAccountFactory(number=FREE_NUMBER, grid=grid, customer__id_number=FREE_ID_NUMBER)


def month(offset: int) -> date:
    """The first day of the month `offset` months after January 2025."""
    return date(2025 + offset // 12, offset % 12 + 1, 1)


def numbers(response) -> list[str]:
    return [account["number"] for account in response.json()["results"]]


def link(client: Client, data: dict) -> object:
    return client.post(reverse("api:account-link"), data, content_type="application/json")


# --- GET /api/v1/me/ ---------------------------------------------------------------------------------------


def test_me_describes_a_customer(api, alice):
    api.force_login(alice)
    response = api.get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "full_name": "Alice",
        "role": "customer",
        "role_label": "Customer",
        "department": None,
        "language": "zh-hans",
        "is_employee": False,
    }


def test_me_describes_a_member_of_staff_with_their_department(api, charlie, station):
    api.force_login(charlie)
    body = api.get(reverse("api:me")).json()
    assert body["role"] == "counter_staff"
    assert body["role_label"] == "Counter staff"
    assert body["department"] == {"id": station.pk, "code": "C0001-01", "name": "城东供电所"}
    assert body["is_employee"] is True


def test_me_takes_the_same_queries_for_customer_and_staff_but_the_department(
    api, alice, charlie, django_assert_num_queries
):
    api.force_login(alice)
    with django_assert_num_queries(2):  # session, user
        api.get(reverse("api:me"))
    api.force_login(charlie)
    with django_assert_num_queries(3):  # session, user, department
        api.get(reverse("api:me"))


# --- GET /api/v1/accounts/ ---------------------------------------------------------------------------------


def test_customer_lists_only_their_own_accounts(api, alice, bob, free_account):
    api.force_login(alice)
    response = api.get(reverse("api:account-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert numbers(response) == ["3300000001"]


def test_account_in_the_list_carries_its_master_data_and_the_masked_identity_only(api, alice, grid):
    ElectricityAccount.objects.filter(number="3300000001").update(
        customer_class=CustomerClass.LV_NON_RESIDENTIAL,
        voltage_level=VoltageLevel.V380,
        contracted_capacity_kva=Decimal("25.5"),
        tariff_code="ZJ-GEN",
        is_important=True,
        address="杭州市西湖区文三路 1 号",
    )
    api.force_login(alice)
    [account] = api.get(reverse("api:account-list")).json()["results"]
    assert account == {
        "number": "3300000001",
        "customer_name": ElectricityAccount.objects.get(number="3300000001").customer.name,
        "id_number_masked": identity.mask(ALICE_ID_NUMBER),
        "address": "杭州市西湖区文三路 1 号",
        "grid": {"code": "TQ00001", "name": "文三路1号台区", "area_type": AreaType.URBAN},
        "customer_class": "lv_non_residential",
        "voltage_level": "380v",
        "contracted_capacity_kva": "25.5",
        "tariff_code": "ZJ-GEN",
        "is_important": True,
        "status": "active",
        "linked": True,
    }


def test_customer_cannot_reach_another_customers_account_by_searching(api, alice, bob):
    api.force_login(bob)
    response = api.get(reverse("api:account-list"), {"q": "3300000001"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_staff_list_every_account_ordered_by_number_and_see_which_are_linked(api, charlie, alice, bob, grid):
    ElectricityAccountFactory(number="3300000050", grid=grid)
    api.force_login(charlie)
    results = api.get(reverse("api:account-list")).json()["results"]
    assert [(a["number"], a["linked"]) for a in results] == [
        ("3300000001", True),
        ("3300000002", True),
        ("3300000050", False),
    ]


def test_staff_search_accounts_by_number_prefix(api, charlie, grid):
    for number in ("3301000001", "3301000002", "3302000001"):
        ElectricityAccountFactory(number=number, grid=grid)
    api.force_login(charlie)
    response = api.get(reverse("api:account-list"), {"q": "3301"})
    assert numbers(response) == ["3301000001", "3301000002"]


def test_staff_search_accounts_by_customer_name(api, charlie, grid):
    ElectricityAccountFactory(number="3301000001", grid=grid, customer__name="杭州明远机械有限公司")
    ElectricityAccountFactory(number="3301000002", grid=grid, customer__name="王小明")
    api.force_login(charlie)
    assert numbers(api.get(reverse("api:account-list"), {"q": "明远"})) == ["3301000001"]
    assert numbers(api.get(reverse("api:account-list"), {"q": "小明"})) == ["3301000002"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "suspended"}, ["3301000002"]),
        ({"customer_class": "high_voltage"}, ["3301000003"]),
        ({"grid": "TQ09999"}, ["3301000003"]),
        ({"status": "active", "grid": "TQ00001"}, ["3301000001"]),
    ],
)
def test_staff_filter_accounts_by_status_class_and_grid(api, charlie, grid, params, expected):
    other_grid = ServiceGridFactory(code="TQ09999", department=grid.department)
    ElectricityAccountFactory(number="3301000001", grid=grid)
    ElectricityAccountFactory(number="3301000002", grid=grid, status=AccountStatus.SUSPENDED)
    ElectricityAccountFactory(number="3301000003", grid=other_grid, customer_class=CustomerClass.HIGH_VOLTAGE)
    api.force_login(charlie)
    assert numbers(api.get(reverse("api:account-list"), params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bankrupt"}, "status"),
        ({"customer_class": "industrial"}, "customer_class"),
        ({"q": "3" * 101}, "q"),
        ({"grid": "T" * 21}, "grid"),
    ],
)
def test_bad_filter_values_are_answered_with_the_field_at_fault(api, charlie, params, field):
    api.force_login(charlie)
    response = api.get(reverse("api:account-list"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_account_list_is_paginated_by_twenty(api, charlie, grid):
    ElectricityAccountFactory.create_batch(25, grid=grid)
    api.force_login(charlie)
    first = api.get(reverse("api:account-list")).json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None


@pytest.mark.parametrize("size", [2, 25])
@pytest.mark.parametrize("caller", ["carol", "charlie"])
def test_account_list_takes_four_queries_however_many_accounts(
    api, request, grid, carol, charlie, caller, size, django_assert_num_queries
):
    ElectricityAccountFactory.create_batch(size, grid=grid, linked_user=carol, linked_at=timezone.now())
    api.force_login(request.getfixturevalue(caller))
    with django_assert_num_queries(4):  # session, user, count, one page with customers and grids
        response = api.get(reverse("api:account-list"))
    assert len(response.json()["results"]) == min(size, 20)


# --- GET /api/v1/accounts/{number}/ ------------------------------------------------------------------------


def test_account_detail_shows_the_last_twelve_readings_newest_first(api, alice):
    account = ElectricityAccount.objects.get(number="3300000001")
    for offset in range(14):  # January 2025 to February 2026
        MeterReadingFactory(account=account, period=month(offset), total_kwh=Decimal(100 + offset))
    MeterReadingFactory(account=ElectricityAccountFactory(grid=account.grid), period=month(20))
    api.force_login(alice)
    response = api.get(reverse("api:account-detail", kwargs={"number": "3300000001"}))
    assert response.status_code == 200
    readings = response.json()["readings"]
    assert [r["period"] for r in readings] == [f"{month(o):%Y-%m}" for o in range(13, 1, -1)]
    assert readings[0] == {"period": "2026-02", "total_kwh": "113.00", "peak_kwh": "150.00", "valley_kwh": "80.00"}


def test_account_detail_has_the_same_fields_as_the_list_besides_readings(api, alice):
    MeterReadingFactory(
        account=ElectricityAccount.objects.get(number="3300000001"), period=month(3), peak_kwh=None, valley_kwh=None
    )
    api.force_login(alice)
    detail = api.get(reverse("api:account-detail", kwargs={"number": "3300000001"})).json()
    [listed] = api.get(reverse("api:account-list")).json()["results"]
    assert detail.pop("readings") == [
        {"period": "2025-04", "total_kwh": "230.00", "peak_kwh": None, "valley_kwh": None}
    ]
    assert detail == listed


@pytest.mark.parametrize("number", ["3300000002", "3300000099", "3399999999", "33000000011", "abc"])
def test_customer_gets_404_for_an_account_that_is_not_theirs(api, alice, bob, free_account, number):
    api.force_login(alice)
    assert api.get(reverse("api:account-detail", kwargs={"number": number})).status_code == 404


def test_staff_see_the_detail_of_any_account(api, ivan, free_account):
    api.force_login(ivan)
    response = api.get(reverse("api:account-detail", kwargs={"number": FREE_NUMBER}))
    assert response.status_code == 200
    assert response.json()["linked"] is False


@pytest.mark.parametrize("readings", [1, 12])
def test_account_detail_takes_four_queries_however_many_readings(api, alice, readings, django_assert_num_queries):
    account = ElectricityAccount.objects.get(number="3300000001")
    for offset in range(readings):
        MeterReadingFactory(account=account, period=month(offset))
    api.force_login(alice)
    with django_assert_num_queries(4):  # session, user, account with customer and grid, readings
        response = api.get(reverse("api:account-detail", kwargs={"number": "3300000001"}))
    assert len(response.json()["readings"]) == readings


# --- POST /api/v1/accounts/link/ ---------------------------------------------------------------------------


def test_customer_links_an_account_and_gets_its_detail(api, carol, free_account):
    MeterReadingFactory(account=free_account, period=month(5))
    api.force_login(carol)
    response = link(api, {"number": FREE_NUMBER, "proof": FREE_ID_NUMBER})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == FREE_NUMBER
    assert body["linked"] is True
    assert [r["period"] for r in body["readings"]] == ["2025-06"]
    assert ElectricityAccount.objects.get(number=FREE_NUMBER).linked_user == carol
    assert numbers(api.get(reverse("api:account-list"))) == [FREE_NUMBER]


def test_link_takes_the_proof_in_lower_case(api, carol, grid):
    ElectricityAccountFactory(number=FREE_NUMBER, grid=grid, customer__id_number="33011019900101008X")
    api.force_login(carol)
    assert link(api, {"number": FREE_NUMBER, "proof": "33011019900101008x"}).status_code == 201


def test_wrong_proof_is_refused_on_the_proof_field(api, carol, free_account):
    api.force_login(carol)
    response = link(api, {"number": FREE_NUMBER, "proof": WRONG_PROOF})
    assert response.status_code == 400
    assert response.json() == {"proof": ["The account number and the identity number do not match our records."]}
    assert ElectricityAccount.objects.get(number=FREE_NUMBER).linked_user is None
    assert LinkAttempt.objects.get(user=carol).succeeded is False


def test_unknown_account_is_refused_like_a_wrong_proof(api, carol, free_account):
    api.force_login(carol)
    unknown = link(api, {"number": "3399999999", "proof": WRONG_PROOF})
    wrong = link(api, {"number": FREE_NUMBER, "proof": WRONG_PROOF})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_another_customers_account_cannot_be_taken_over(api, alice, carol):
    api.force_login(carol)
    response = link(api, {"number": "3300000001", "proof": ALICE_ID_NUMBER})
    assert response.status_code == 400
    assert list(response.json()) == ["number"]
    assert "already linked to another customer" in response.json()["number"][0]
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


def test_repeated_wrong_proofs_are_throttled_with_429(api, carol, free_account, settings):
    api.force_login(carol)
    for _ in range(settings.LINK_FAILURE_LIMIT):
        assert link(api, {"number": FREE_NUMBER, "proof": WRONG_PROOF}).status_code == 400
    response = link(api, {"number": FREE_NUMBER, "proof": FREE_ID_NUMBER})
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many wrong attempts. Please try again in 30 minutes or visit a business hall."
    }
    assert ElectricityAccount.objects.get(number=FREE_NUMBER).linked_user is None


def test_a_refusal_for_the_whole_form_becomes_non_field_errors():
    error = link_refusal_error(LinkRefused("Not now.", field="__all__"))
    assert error.status_code == 400
    assert error.detail == {"non_field_errors": ["Not now."]}


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"number": "33000000991", "proof": WRONG_PROOF}, ["number"]),
        ({"number": "330000009", "proof": WRONG_PROOF}, ["number"]),
        ({"number": "33000000ab", "proof": WRONG_PROOF}, ["number"]),
        ({"number": "3" * 10_000, "proof": WRONG_PROOF}, ["number"]),
        ({"number": "", "proof": WRONG_PROOF}, ["number"]),
        ({"number": None, "proof": WRONG_PROOF}, ["number"]),
        ({"number": FREE_NUMBER, "proof": "00000"}, ["proof"]),
        ({"number": FREE_NUMBER, "proof": "0" * 10_000}, ["proof"]),
        ({"proof": WRONG_PROOF}, ["number"]),
        ({"number": FREE_NUMBER}, ["proof"]),
        ({}, ["number", "proof"]),
    ],
)
def test_malformed_link_input_is_answered_field_by_field_and_changes_nothing(api, carol, free_account, data, fields):
    api.force_login(carol)
    response = link(api, data)
    assert response.status_code == 400
    assert sorted(response.json()) == fields
    assert not LinkAttempt.objects.exists()
    assert ElectricityAccount.objects.get(number=FREE_NUMBER).linked_user is None


def test_a_body_that_is_not_json_is_a_400(api, carol, free_account):
    api.force_login(carol)
    response = api.post(reverse("api:account-link"), "{number", content_type="application/json")
    assert response.status_code == 400
    assert not LinkAttempt.objects.exists()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('{"number": "3300000099", "proof": "00\\u000000"}', "The JSON body contains control characters"),
        ('{"number": "\\ud800", "proof": "x"}', "The JSON body contains control characters"),
        ("[" * 10_000 + "]" * 10_000, "The JSON body is nested too deeply."),
        ('{"a":' * 40 + "1" + "}" * 40, "The JSON body is nested too deeply."),
    ],
)
def test_a_json_body_with_control_characters_or_deep_nesting_is_a_400(api, carol, free_account, body, detail):
    api.force_login(carol)
    response = api.post(reverse("api:account-link"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert not LinkAttempt.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This field is required."), ("zh-hans", "该字段是必填项。")],
)
def test_errors_come_in_the_callers_language(client, carol, language, message):
    client.force_login(carol)
    response = client.post(
        reverse("api:account-link"),
        {"number": FREE_NUMBER},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.json() == {"proof": [message]}


# --- DELETE /api/v1/accounts/{number}/link/ ----------------------------------------------------------------


def test_customer_unlinks_their_own_account(api, alice):
    api.force_login(alice)
    response = api.delete(reverse("api:account-unlink", kwargs={"number": "3300000001"}))
    assert response.status_code == 204
    account = ElectricityAccount.objects.get(number="3300000001")
    assert (account.linked_user, account.linked_at) == (None, None)
    assert api.get(reverse("api:account-list")).json()["count"] == 0
    assert api.get(reverse("api:account-detail", kwargs={"number": "3300000001"})).status_code == 404


@pytest.mark.parametrize("number", ["3300000001", "3300000099", "3399999999"])
def test_customer_cannot_unlink_an_account_that_is_not_theirs(api, alice, bob, free_account, number):
    api.force_login(bob)
    assert api.delete(reverse("api:account-unlink", kwargs={"number": number})).status_code == 404
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


def test_staff_cannot_unlink_a_customers_account(api, alice, mona):
    api.force_login(mona)
    assert api.delete(reverse("api:account-unlink", kwargs={"number": "3300000001"})).status_code == 403
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


# --- The identity number never leaves in full --------------------------------------------------------------


@pytest.mark.parametrize("caller", ["alice", "charlie", "grace", "mona", "root"])
def test_list_and_detail_show_the_identity_number_only_masked(api, personas, caller):
    api.force_login(personas[caller])
    responses = [
        api.get(reverse("api:account-list")),
        api.get(reverse("api:account-list"), {"q": "3300000001"}),
        api.get(reverse("api:account-detail", kwargs={"number": "3300000001"})),
    ]
    for response in responses:
        assert_only_masked(response.content.decode())


def test_linking_shows_the_identity_number_only_masked(api, alice):
    api.force_login(alice)
    response = link(api, {"number": "3300000001", "proof": ALICE_ID_NUMBER})
    assert response.status_code == 201
    assert_only_masked(response.content.decode())


def assert_only_masked(body: str) -> None:
    customer = ElectricityAccount.objects.select_related("customer").get(number="3300000001").customer
    assert ALICE_ID_NUMBER not in body
    assert customer.id_number_digest not in body
    assert identity.mask(ALICE_ID_NUMBER) in body
