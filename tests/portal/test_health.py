"""/healthz and /healthz/monitor, against the configured services and against ones that do not answer.

/healthz is the load balancer's (the database only); /healthz/monitor is monitoring's (every service and
background loop, each with its threshold). portal/health.py says why they are apart.
"""

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
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal import health
from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import HEARTBEAT_NAME
from services.models import Notification, NotificationChannel, NotificationState

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
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
    """Make the checks ask a real database connection whose server does not answer."""
    settings_dict = {**connection.settings_dict, **dj_database_url.parse(CLOSED_PORT_POSTGRES), "OPTIONS": {}}
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="unreachable")
    monkeypatch.setattr(health, "connection", unreachable)
    yield
    unreachable.close()


@pytest.fixture
def at_nine(time_machine) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def sweep_sent_at(sent_at: datetime | None) -> PeriodicTask:
    """The sweep's periodic task as beat's DatabaseScheduler leaves it, last sent at `sent_at`."""
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(
        name="sweep-sla-clocks", task=health.SWEEP_TASK, interval=every_minute, last_run_at=sent_at
    )


def pending_message(created_at: datetime, state: str = NotificationState.PENDING) -> Notification:
    return Notification.objects.create(
        address="13800000009", channel=NotificationChannel.SMS, template="t", created_at=created_at, state=state
    )


# --- /healthz: the load balancer's ----------------------------------------------------------------------


def test_healthz_answers_200_when_the_database_answers(client: Client, db, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):  # SELECT 1, nothing else: the load balancer asks every few seconds
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"ok": True}}


def test_healthz_needs_no_login_no_session_and_is_never_cached(client: Client, db) -> None:
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.head(reverse("portal:healthz")).status_code == 200


def test_healthz_refuses_writes(client: Client, db) -> None:
    assert client.post(reverse("portal:healthz")).status_code == 405
    assert client.post(reverse("portal:healthz-monitor")).status_code == 405


def test_healthz_stays_200_when_only_the_broker_is_down(client: Client, db, dead_broker) -> None:
    """Submissions succeed without Redis (the outbox catches up): no node may leave the pool for it."""
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "broker" not in response.json()


def test_healthz_stays_200_when_workers_and_beat_are_dead(client: Client, db, at_nine) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW - timedelta(hours=1))
    sweep_sent_at(NOW - timedelta(hours=1))

    assert client.get(reverse("portal:healthz")).status_code == 200


def test_healthz_answers_503_when_the_database_does_not_answer(
    client: Client, db, dead_database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="portal.health"):
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": {"ok": False, "error": "OperationalError"}}
    assert "127.0.0.1" in caplog.text or "nowhere" in caplog.text  # the details go to the log only


# --- /healthz/monitor: monitoring's ---------------------------------------------------------------------


def test_monitor_answers_200_when_everything_is_within_its_threshold(
    client: Client, db, at_nine, django_assert_num_queries
) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW - timedelta(seconds=90), hostname="celery@a")
    sweep_sent_at(NOW - timedelta(seconds=30))
    pending_message(NOW - timedelta(seconds=20))  # fresh: its on-commit delivery is under way

    with django_assert_num_queries(4):  # SELECT 1, heartbeat, beat, outbox
        response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True, "transport": "redis" if settings.REDIS_URL else "filesystem"}
    assert body["worker"] == {
        "ok": True,
        "last_at": (NOW - timedelta(seconds=90)).isoformat(),
        "age_seconds": 90,
        "threshold_seconds": 180,
    }
    assert body["beat"] == {
        "ok": True,
        "last_at": (NOW - timedelta(seconds=30)).isoformat(),
        "age_seconds": 30,
        "threshold_seconds": 180,
    }
    assert body["outbox"] == {
        "ok": True,
        "undelivered_older_than_threshold": 0,
        "oldest_undelivered_age_seconds": 20,
        "threshold_seconds": 300,
    }


def test_monitor_fails_the_worker_check_when_no_worker_beat_for_three_minutes(client: Client, db, at_nine) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW - timedelta(seconds=181))
    sweep_sent_at(NOW - timedelta(seconds=30))

    response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["worker"]["ok"] is False
    assert body["worker"]["age_seconds"] == 181
    assert body["beat"]["ok"] is True


def test_monitor_fails_the_worker_check_when_no_worker_ever_beat(client: Client, db, at_nine) -> None:
    WorkerHeartbeat.objects.create(name="probe-from-a-test", beat_at=NOW)  # another name does not count

    worker = client.get(reverse("portal:healthz-monitor")).json()["worker"]

    assert worker == {"ok": False, "last_at": None, "age_seconds": None, "threshold_seconds": 180}


def test_monitor_fails_the_beat_check_when_the_sweep_was_not_sent_for_three_minutes(
    client: Client, db, at_nine
) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW - timedelta(seconds=10))
    sweep_sent_at(NOW - timedelta(seconds=200))

    response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 503
    assert response.json()["beat"]["ok"] is False
    assert response.json()["beat"]["age_seconds"] == 200
    assert response.json()["worker"]["ok"] is True


def test_monitor_fails_the_outbox_check_on_a_message_undelivered_for_five_minutes(client: Client, db, at_nine) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW)
    sweep_sent_at(NOW)
    pending_message(NOW - timedelta(minutes=6))
    pending_message(NOW - timedelta(minutes=1))
    pending_message(NOW - timedelta(hours=1), state=NotificationState.SENT)  # delivered long ago: fine

    response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 503
    assert response.json()["outbox"] == {
        "ok": False,
        "undelivered_older_than_threshold": 1,
        "oldest_undelivered_age_seconds": 360,
        "threshold_seconds": 300,
    }


def test_monitor_fails_the_broker_check_when_the_broker_does_not_answer(
    client: Client, db, at_nine, dead_broker, caplog: pytest.LogCaptureFixture
) -> None:
    WorkerHeartbeat.objects.create(name=HEARTBEAT_NAME, beat_at=NOW)
    sweep_sent_at(NOW)

    with caplog.at_level(logging.WARNING, logger="portal.health"):
        response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": False, "transport": "redis", "error": "OperationalError"}
    assert "127.0.0.1:1" in caplog.text  # the details go to the log, not to whoever asks


def test_monitor_reports_only_the_database_when_it_does_not_answer(client: Client, db, dead_database) -> None:
    response = client.get(reverse("portal:healthz-monitor"))

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["broker"]["ok"] is True
    assert set(body) == {"status", "database", "broker"}


def test_the_sweep_check_reads_the_task_beat_is_seeded_with() -> None:
    assert settings.CELERY_BEAT_SCHEDULE["sweep-sla-clocks"]["task"] == health.SWEEP_TASK


def test_beat_records_each_send_at_once_so_the_beat_check_is_not_three_minutes_late() -> None:
    """Beat's scheduler saves last_run_at every 3 minutes by default: the check would be late by as much."""
    assert celery_app.conf.beat_sync_every == 1
