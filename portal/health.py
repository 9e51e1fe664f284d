"""Health checks, split by who reads them (README "Production").

`/healthz` is the load balancer's: can this web process serve requests? Only the database decides it. A Redis
outage must not take every web node out of the pool: submissions still succeed while it is down (their outbox
rows are delivered by the periodic pass afterwards), so answering 503 then would turn a broker blip into a
full outage.

`/healthz/monitor` is monitoring's: the database, the broker, how long ago a worker last ran the heartbeat,
how long ago beat last sent the SLA sweep, and the outbox rows nobody has delivered. Each check has its own
`ok` and the threshold it is held to; the answer is 503 when any check fails, so a monitor that only reads
status codes alerts too. No load balancer may follow it: a dead beat says nothing about this web node.

Anyone may ask either, so a failure is named only by its exception class; the error, with host names, goes to
the log.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_celery_beat.models import PeriodicTask

from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import HEARTBEAT_NAME
from services.models import Notification, NotificationState

logger = logging.getLogger(__name__)

# Seconds to wait for the broker. A dead Redis must not hang the probe past the monitor's own timeout.
BROKER_TIMEOUT = 2
# Alert thresholds. Beat queues the heartbeat and the sweep every minute, so three missed minutes is an outage,
# not a slow tick. The outbox's on-commit task delivers a row within seconds and the periodic pass within two
# minutes of a broker outage; a row still pending after five minutes is a message nobody is sending.
WORKER_MAX_AGE = timedelta(seconds=180)
SWEEP_MAX_AGE = timedelta(seconds=180)
OUTBOX_MAX_AGE = timedelta(minutes=5)
SWEEP_TASK = "services.tasks.sweep_sla_clocks"


def failure(service: str, error: Exception) -> dict[str, Any]:
    logger.warning("healthz: the %s does not answer: %r", service, error)
    return {"ok": False, "error": type(error).__name__}


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is the answer; the probe itself must never fail
        return failure("database", error)
    return {"ok": True}


def check_broker() -> dict[str, Any]:
    options = {
        **celery_app.conf.broker_transport_options,
        "socket_connect_timeout": BROKER_TIMEOUT,
        "socket_timeout": BROKER_TIMEOUT,
    }
    broker = celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT, transport_options=options)
    result: dict[str, Any] = {"ok": True, "transport": broker.transport_cls}
    try:
        # One attempt, no retry: kombu would otherwise sleep between retries.
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as error:
        result.update(failure("broker", error))
    finally:
        broker.release()
    return result


def age_check(last_at: datetime | None, limit: timedelta) -> dict[str, Any]:
    """How long ago something last happened, held to `limit`; never having happened fails."""
    age = int((timezone.now() - last_at).total_seconds()) if last_at else None
    return {
        "ok": age is not None and age <= limit.total_seconds(),
        "last_at": timezone.localtime(last_at).isoformat() if last_at else None,
        "age_seconds": age,
        "threshold_seconds": int(limit.total_seconds()),
    }


def check_worker() -> dict[str, Any]:
    """A worker ran the heartbeat task (queued by beat every minute) recently."""
    beat_at = WorkerHeartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True).first()
    return age_check(beat_at, WORKER_MAX_AGE)


def check_beat() -> dict[str, Any]:
    """Beat sent the SLA sweep recently: django-celery-beat records last_run_at after each send."""
    sent_at = PeriodicTask.objects.filter(task=SWEEP_TASK, enabled=True).aggregate(last=Max("last_run_at"))["last"]
    return age_check(sent_at, SWEEP_MAX_AGE)


def check_outbox() -> dict[str, Any]:
    """No message waits undelivered for longer than OUTBOX_MAX_AGE."""
    now = timezone.now()
    pending = Notification.objects.filter(state=NotificationState.PENDING).aggregate(
        oldest=Min("created_at"), stale=Count("pk", filter=Q(created_at__lt=now - OUTBOX_MAX_AGE))
    )
    oldest = pending["oldest"]
    return {
        "ok": pending["stale"] == 0,
        "undelivered_older_than_threshold": pending["stale"],
        "oldest_undelivered_age_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "threshold_seconds": int(OUTBOX_MAX_AGE.total_seconds()),
    }


def answer(checks: dict[str, dict[str, Any]]) -> JsonResponse:
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The load balancer's check: 200 while this process can reach the database, 503 otherwise."""
    return answer({"database": check_database()})


@never_cache
@require_safe
def monitor(request: HttpRequest) -> JsonResponse:
    """Monitoring's check: every service and background loop the portal relies on, each with its threshold."""
    database = check_database()
    checks = {"database": database, "broker": check_broker()}
    if database["ok"]:
        checks.update(worker=check_worker(), beat=check_beat(), outbox=check_outbox())
    return answer(checks)
