"""The demo's kiosks: registered in each hall with the documented demo key, re-runnable."""

import pytest
from django.test import Client
from django.urls import reverse

from outlets.kiosk import demo
from outlets.models import Kiosk

pytestmark = pytest.mark.django_db


def test_demo_kiosks_answer_to_their_printed_keys_and_a_rerun_adds_none(hall):
    assert demo.seed_kiosks() == demo.KIOSKS_PER_HALL
    assert demo.seed_kiosks() == 0
    keys = demo.demo_keys()
    assert len(keys) == Kiosk.objects.count() == demo.KIOSKS_PER_HALL
    heartbeat = {"printer": "ok", "paper": "ok", "card_reader": "ok"}
    response = Client(headers={"Authorization": keys[0][1]}).post(
        reverse("api:kiosk-heartbeat"), heartbeat, content_type="application/json"
    )
    assert response.status_code == 204
    assert Kiosk.objects.filter(paper="low").exists()
