"""The whole background path, for real: settings → broker → a Celery worker process → the database.

The test starts a worker, sends it a task through the configured broker (Redis on CI, kombu's filesystem
transport on a laptop) and waits for the row the task writes in the test database. Nothing is mocked and
nothing runs eagerly: if the broker, the worker or its database settings are wrong, this test fails. It never
skips, so CI (where conftest insists on PostgreSQL and Redis) always proves the path.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import record_worker_heartbeat

pytestmark = pytest.mark.worker

# A cold worker on the 2-core CI machine imports Django and connects within a few seconds; a minute is
# generous and still ends a broken run quickly.
EFFECT_TIMEOUT = 60


def worker_database_url() -> str:
    """The URL of the test database as this test process sees it, so the worker writes where we read."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(settings.VAR_DIR),
    }


@dataclass
class Worker:
    queue: str
    node: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def worker(transactional_db, tmp_path: Path) -> Iterator[Worker]:
    """A real worker on a queue of its own, so a `make demo` worker on the same broker cannot take our task."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@localhost"
    log_path = tmp_path / "worker.log"
    command = [
        *(sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=info"),
        *("-Q", queue, "-n", node),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=worker_environment(), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield Worker(queue, node, log_path, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        forget_queue(queue)


def forget_queue(queue: str) -> None:
    """Remove the test's queue from the broker, so that test runs leave no bindings behind."""
    with celery_app.connection_for_write() as broker:
        bound = Queue(queue, Exchange(queue), routing_key=queue)(broker.default_channel)
        bound.declare()  # into this channel's state, which is what queue deletion walks
        bound.delete()
    if not settings.REDIS_URL:  # the filesystem transport keeps an (emptied) exchange file
        Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"], f"{queue}.exchange").unlink(missing_ok=True)


def wait_for_heartbeat(name: str, worker: Worker) -> WorkerHeartbeat | None:
    """Poll the database for the task's row; give up at the deadline, or at once if the worker has died."""
    deadline = time.monotonic() + EFFECT_TIMEOUT
    while time.monotonic() < deadline and worker.process.poll() is None:
        heartbeat = WorkerHeartbeat.objects.filter(name=name).first()
        if heartbeat is not None:
            return heartbeat
        time.sleep(0.5)
    return None


def test_a_task_sent_through_the_broker_is_run_by_a_real_worker_and_lands_in_the_database(worker: Worker) -> None:
    name = f"probe-{worker.queue}"

    record_worker_heartbeat.apply_async(kwargs={"name": name}, queue=worker.queue)
    heartbeat = wait_for_heartbeat(name, worker)

    assert heartbeat is not None, "the worker did not record the heartbeat; its log:\n" + worker.log()
    assert heartbeat.hostname == worker.node  # run by the worker process we started, not eagerly in this one
