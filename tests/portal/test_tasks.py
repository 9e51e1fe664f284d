"""The periodic tasks, called as functions, and the beat schedule that names them."""

import json
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from accounts.models import LinkAttempt
from accounts.tasks import LINK_ATTEMPT_RETENTION_DAYS, purge_link_attempts
from portal.models import WorkerHeartbeat
from portal.tasks import HEARTBEAT_NAME, record_worker_heartbeat
from tests.factories import UserFactory
from tests.fresh import last_line

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# What a fresh process (a worker, beat) knows after Celery's autodiscovery, as JSON on stdout.
LIST_REGISTERED_TASKS = """
import json
from portal.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(app.tasks)))
"""


@pytest.mark.django_db
def test_heartbeat_creates_its_row_then_moves_it_forward(time_machine) -> None:
    time_machine.move_to(NOW, tick=False)
    record_worker_heartbeat()
    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    record_worker_heartbeat()

    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.name == HEARTBEAT_NAME
    assert heartbeat.beat_at == NOW + timedelta(minutes=1)


@pytest.mark.django_db
def test_heartbeats_of_different_names_are_kept_apart() -> None:
    record_worker_heartbeat()
    record_worker_heartbeat(name="probe")

    assert set(WorkerHeartbeat.objects.values_list("name", flat=True)) == {HEARTBEAT_NAME, "probe"}


@pytest.mark.django_db
def test_purge_deletes_only_link_attempts_older_than_the_retention_period(time_machine) -> None:
    user = UserFactory()
    retention = timedelta(days=LINK_ATTEMPT_RETENTION_DAYS)
    ages = {"old": retention + timedelta(minutes=1), "at-limit": retention, "recent": timedelta(hours=1)}
    for label, age in ages.items():
        LinkAttempt.objects.create(user=user, account_number=label, attempted_at=NOW - age)
    time_machine.move_to(NOW, tick=False)

    assert purge_link_attempts() == 1

    assert set(LinkAttempt.objects.values_list("account_number", flat=True)) == {"at-limit", "recent"}


def test_every_task_in_the_beat_schedule_is_known_to_a_fresh_worker() -> None:
    """A misspelt or undiscovered task in CELERY_BEAT_SCHEDULE would only show as errors in the worker log."""
    fresh = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    registered = set(json.loads(last_line(LIST_REGISTERED_TASKS, fresh)))

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled  # the heartbeat at least: /healthz reports it
    assert scheduled <= registered
