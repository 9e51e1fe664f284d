"""Failed sign-ins count per account, whatever spelling, form or endpoint, and per client address."""

import base64

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.lockout import lockout_username
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def carol(db):
    return UserFactory(username="carol@example.com", email="carol@example.com", phone="13812345678")


def sign_in(client, login: str, password: str, *, address: str = "127.0.0.1", url_name: str = "accounts:login"):
    return client.post(reverse(url_name), {"username": login, "password": password}, REMOTE_ADDR=address)


def test_every_spelling_of_a_login_counts_against_the_account_it_names(carol):
    for login in ["carol@example.com", "Carol@Example.com", "CAROL@EXAMPLE.COM", "13812345678", " carol@example.com"]:
        assert lockout_username(None, {"username": login}) == "carol@example.com"


def test_unknown_logins_are_counted_folded_so_case_changes_do_not_multiply_tries(db):
    assert lockout_username(None, {"username": " Nobody@Example.com "}) == "nobody@example.com"
    assert lockout_username(None, {"username": ""}) is None


def test_changing_the_case_or_using_the_mobile_number_gives_no_fresh_tries(client, carol, settings):
    spellings = ["carol@example.com", "Carol@Example.com", "CAROL@example.com", "13812345678", "carol@EXAMPLE.com"]
    assert len(spellings) == settings.AXES_FAILURE_LIMIT
    for login in spellings[:-1]:
        assert sign_in(client, login, "wrong").status_code == 200
    assert sign_in(client, spellings[-1], "wrong").status_code == 429
    for login in spellings:
        assert sign_in(client, login, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_from_another_address_too(client, carol, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "carol@example.com", "wrong", address="10.0.0.1")
    assert sign_in(client, "Carol@Example.com", PASSWORD, address="10.0.0.2").status_code == 429


def test_the_admin_sign_in_counts_with_the_portals(client, carol, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "Carol@Example.com", "wrong", url_name="admin:login").status_code == 200
    assert sign_in(client, "13812345678", "wrong").status_code == 429
    assert sign_in(client, "carol@example.com", PASSWORD, url_name="admin:login").status_code == 429


def test_one_address_trying_many_logins_is_locked_for_all_of_them(client, carol, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        sign_in(client, f"user{n}@example.com", "wrong", address="10.0.0.9")
    assert sign_in(client, "carol@example.com", PASSWORD, address="10.0.0.9").status_code == 429
    # Carol herself, elsewhere, is not locked: no account reached its own limit.
    response = sign_in(client, "carol@example.com", PASSWORD, address="10.0.0.10")
    assert response.status_code == 302


def test_a_success_clears_the_accounts_failures_but_not_the_addresss(client, carol, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    sign_in(client, "Carol@Example.com", "wrong", address="10.0.0.9")
    for n in range(6):
        sign_in(client, f"user{n}@example.com", "wrong", address="10.0.0.9")
    assert sign_in(client, "carol@example.com", PASSWORD, address="10.0.0.9").status_code == 302
    assert not AccessAttempt.objects.filter(username="carol@example.com").exists()
    client.logout()
    # The six failures against other accounts stay: two more lock the address.
    assert sign_in(client, "user0@example.com", "wrong", address="10.0.0.9").status_code == 200
    assert sign_in(client, "user0@example.com", "wrong", address="10.0.0.9").status_code == 429


def test_a_success_clears_every_spelling_because_they_are_one_count(client, carol, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "CAROL@example.com", "wrong")
    assert sign_in(client, "13812345678", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "Carol@Example.com", "wrong").status_code == 200
    assert sign_in(client, "carol@example.com", "wrong").status_code == 429


def test_the_api_takes_no_passwords_so_it_cannot_be_used_to_guess_them(client, carol):
    credentials = base64.b64encode(f"carol@example.com:{PASSWORD}".encode()).decode()
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 403
