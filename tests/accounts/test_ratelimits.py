"""Sign-up, password reset and password change are rate limited: a form error and HTTP 429 past the limit."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import RateLimitHit, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "grid-lamp-orchard-42"


@pytest.fixture
def tight(settings):
    """Limits of two, so that the tests need few requests."""
    window = timedelta(hours=1)
    settings.RATE_LIMITS = {scope: (2, window) for scope in settings.RATE_LIMITS}
    return settings


def register(client, login: str, address: str = "10.0.0.1"):
    data = {"login": login, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(reverse("accounts:register"), data, REMOTE_ADDR=address)


def test_sign_ups_from_one_address_are_limited(client, tight):
    assert register(client, "13800000001").status_code == 302
    client.logout()
    assert register(client, "13800000002").status_code == 302
    client.logout()

    refused = register(client, "13800000003")

    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()[0].startswith("Too many attempts.")
    assert not User.objects.filter(username="13800000003").exists()
    assert register(client, "13800000003", address="10.0.0.2").status_code == 302


def test_refused_sign_ups_count_too_so_the_form_cannot_probe_for_registered_logins(client, tight):
    UserFactory(phone="13800000001")
    for _ in range(2):
        assert register(client, "13800000001").status_code == 200
    assert register(client, "13800000001").status_code == 429


def test_the_sign_up_limit_lifts_after_its_window(client, tight):
    register(client, "13800000001")
    client.logout()
    register(client, "13800000002")
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert register(client, "13800000003").status_code == 302


def reset(client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_resets_for_one_address_are_limited_wherever_they_come_from(client, tight):
    UserFactory(email="carol@example.com")
    assert reset(client, "carol@example.com", "10.0.0.1").status_code == 302
    assert reset(client, "Carol@Example.com", "10.0.0.2").status_code == 302

    refused = reset(client, "carol@example.com", "10.0.0.3")

    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()[0].startswith("Too many attempts.")
    assert len(mail.outbox) == 2


def test_password_resets_from_one_address_are_limited_whatever_the_mailbox(client, tight):
    assert reset(client, "a@example.com").status_code == 302
    assert reset(client, "b@example.com").status_code == 302
    assert reset(client, "c@example.com").status_code == 429


def test_keys_are_kept_only_as_digests(client, tight):
    reset(client, "carol@example.com")
    assert not RateLimitHit.objects.filter(key__icontains="carol").exists()
    assert not RateLimitHit.objects.filter(key__icontains="10.0.0.1").exists()


def change(client, old: str):
    data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(reverse("accounts:password_change"), data)


def test_wrong_old_passwords_are_limited_and_then_even_the_right_one_is_refused(client, alice, tight):
    client.force_login(alice)
    assert change(client, "wrong").status_code == 200
    assert change(client, "wrong again").status_code == 200

    refused = change(client, PASSWORD)

    assert refused.status_code == 429
    assert refused.context["form"].errors["old_password"][0].startswith("Too many attempts.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_right_old_password_does_not_count(client, alice, tight):
    client.force_login(alice)
    for _ in range(3):
        data = {"old_password": PASSWORD, "new_password1": "1", "new_password2": "2"}
        assert client.post(reverse("accounts:password_change"), data).status_code == 200
    assert not RateLimitHit.objects.exists()
