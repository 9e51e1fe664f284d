"""/healthz, both ways: against the configured database and broker, and against ones that do not answer."""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from portal import health
from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import HEARTBEAT_NAME

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Nothing listens on port 1 of the loopback: connecting there is refused at once.
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
CLOSED_PORT_POSTGRES = "postgres://postgres@127.0.0.1:1/nowhere"


@pytest.fixture
def dead_broker() -> Iterator[None]:
    """Point the Celery app at a Redis that does not answer; the app reads its config at first use."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED_PORT_REDIS
    yield
    celery_app.conf.broker_url = saved


@pytest.fixture
def dead_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make /healthz ask a real database connection whose server does not answer."""
    settings_dict = {**connection.settings_dict, **dj_database_url.parse(CLOSED_PORT_POSTGRES), "OPTIONS": {}}
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="unreachable")
    monkeypatch.setattr(health, "connection", unreachable)
    yield
    unreachable.close()


def test_healthz_answers_200_when_database_and_broker_answer(client: Client, db, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):  # SELECT 1, and the heartbeat
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True, "transport": "redis" if settings.REDIS_URL else "filesystem"}
    assert body["worker"] == {"last_beat_at": None, "age_seconds": None}


def test_healthz_needs_no_login_no_session_and_is_never_cached(client: Client, db) -> None:
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.head(reverse("portal:healthz")).status_code == 200


def test_healthz_refuses_writes(client: Client, db) -> None:
    assert client.post(reverse("portal:healthz")).status_code == 405


def test_healthz_reports_how_long_ago_the_worker_last_beat(client: Client, db, time_machine) -> None:
    beat_at = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=beat_at, hostname="celery@host")
    time_machine.move_to(beat_at + timedelta(seconds=90), tick=False)

    body = client.get(reverse("portal:healthz")).json()

    assert body["worker"] == {"last_beat_at": beat_at.isoformat(), "age_seconds": 90}


def test_healthz_ignores_heartbeats_of_other_names(client: Client, db) -> None:
    WorkerHeartbeat.objects.create(name="probe-from-a-test", beat_at=datetime(2026, 3, 2, tzinfo=SHANGHAI))

    assert client.get(reverse("portal:healthz")).json()["worker"]["last_beat_at"] is None


def test_healthz_answers_503_when_the_broker_does_not_answer(
    client: Client, db, dead_broker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="portal.health"):
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is False
    assert body["broker"]["transport"] == "redis"
    assert body["broker"]["error"] == "OperationalError"
    assert "127.0.0.1:1" in caplog.text  # the details go to the log, not to whoever asks


def test_healthz_answers_503_when_the_database_does_not_answer(client: Client, db, dead_database) -> None:
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "OperationalError"
    assert body["broker"]["ok"] is True
    assert body["worker"] == {"last_beat_at": None, "age_seconds": None}
