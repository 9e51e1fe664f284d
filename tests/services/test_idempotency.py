"""One tap, one request: a retried API POST with the same Idempotency-Key, or a form posted twice, opens one order."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from services import idempotency
from services.models import EventKind, IdempotencyKey, WorkOrder

pytestmark = pytest.mark.django_db

FAULT = {"account": "3300000001", "fault_type": "no_power_home", "description": "停电"}


def post_fault(client, data=None, key="tap-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        reverse("api:fault-report-create"), data or FAULT, content_type="application/json", headers=headers
    )


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_a_retry_with_the_same_key_gets_the_first_answer_and_opens_nothing(signed_in):
    first = post_fault(signed_in)
    again = post_fault(signed_in)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1


def test_another_key_is_another_request(signed_in):
    post_fault(signed_in, key="tap-1")
    post_fault(signed_in, key="tap-2")
    assert WorkOrder.objects.count() == 2


def test_without_a_key_each_post_is_a_request(signed_in):
    post_fault(signed_in, key=None)
    post_fault(signed_in, key=None)
    assert WorkOrder.objects.count() == 2


def test_the_same_key_for_a_different_request_is_refused_with_422(signed_in):
    post_fault(signed_in)
    other = post_fault(signed_in, {**FAULT, "description": "电压低"})
    assert other.status_code == 422
    assert WorkOrder.objects.count() == 1


def test_a_malformed_key_is_400(signed_in):
    response = post_fault(signed_in, key="has spaces in it")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not WorkOrder.objects.exists()


def test_a_refused_request_keeps_no_key_so_the_corrected_one_goes_through(signed_in):
    assert post_fault(signed_in, {**FAULT, "fault_type": "teleport"}).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_fault(signed_in).status_code == 201


def test_keys_are_per_caller(client, signed_in, bob):
    post_fault(signed_in)
    client.force_login(bob)
    response = post_fault(client, {**FAULT, "account": "3300000002"})
    assert response.status_code == 201
    assert WorkOrder.objects.count() == 2


def test_a_retried_staff_action_and_chase_are_replayed_not_repeated(client, alice, ray):
    client.force_login(alice)
    order = WorkOrder.objects.get(number=post_fault(client).json()["number"])
    chase = reverse("api:work-order-step", args=[order.number, "chase"])
    for _ in range(2):
        response = client.post(chase, {}, content_type="application/json", headers={"Idempotency-Key": "chase-1"})
        assert response.status_code == 200  # the second is the first answer, not a 429
    assert order.events.filter(kind=EventKind.CHASE).count() == 1


def test_old_keys_are_purged_after_a_day(signed_in):
    post_fault(signed_in)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert idempotency.purge_expired() == 1


def test_a_double_posted_form_opens_one_request_and_takes_both_posts_to_it(signed_in):
    form = signed_in.get(reverse("services:report-fault"))
    token = form.context["submission"]
    data = {
        "account": "3300000001",
        "fault_type": "no_power_home",
        "description": "停电",
        "contact_phone": "13900000001",
        "submission": token,
    }
    first = signed_in.post(reverse("services:report-fault"), data)
    second = signed_in.post(reverse("services:report-fault"), data)
    order = WorkOrder.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("services:order", args=[order.number])


def test_each_form_shown_has_its_own_token(signed_in):
    first = signed_in.get(reverse("services:report-fault")).context["submission"]
    second = signed_in.get(reverse("services:report-fault")).context["submission"]
    assert first != second


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_posts_at_once_with_one_key_open_one_order(alice, on_postgresql):
    if not on_postgresql:
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    start = threading.Barrier(50)
    statuses: list[int] = []
    numbers: set[str] = set()
    errors: list[BaseException] = []

    def tap() -> None:
        try:
            client = Client()
            client.force_login(alice)
            start.wait(timeout=30)
            response = post_fault(client, key="one-tap")
            statuses.append(response.status_code)
            numbers.add(response.json()["number"])
        except BaseException as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [201] * 50
    assert len(numbers) == 1
    assert WorkOrder.objects.count() == 1
