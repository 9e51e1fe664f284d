"""/healthz: whether this process can reach the database and the broker, for load balancers and monitors.

It answers 200 when both answer and 503 otherwise. The worker heartbeat (portal.tasks) is reported but does
not decide the status: a web process is still useful while the workers are being restarted. Anyone may ask,
so a failure is named only by its exception class; the full error, with host names, goes to the log.
"""

import logging
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.celery import app as celery_app
from portal.models import WorkerHeartbeat
from portal.tasks import HEARTBEAT_NAME

logger = logging.getLogger(__name__)
NO_BEAT = {"last_beat_at": None, "age_seconds": None}

# Seconds to wait for the broker. A dead Redis must not hang the probe past the load balancer's own timeout.
BROKER_TIMEOUT = 2


def failure(service: str, error: Exception) -> str:
    logger.warning("healthz: the %s does not answer: %r", service, error)
    return type(error).__name__


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is the answer; the probe itself must never fail
        return {"ok": False, "error": failure("database", error)}
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
        result.update(ok=False, error=failure("broker", error))
    finally:
        broker.release()
    return result


def last_worker_beat() -> dict[str, Any]:
    beat_at = WorkerHeartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True).first()
    if beat_at is None:
        return NO_BEAT
    return {
        "last_beat_at": timezone.localtime(beat_at).isoformat(),
        "age_seconds": int((timezone.now() - beat_at).total_seconds()),
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    broker = check_broker()
    worker = last_worker_beat() if database["ok"] else NO_BEAT
    healthy = database["ok"] and broker["ok"]
    body = {"status": "ok" if healthy else "fail", "database": database, "broker": broker, "worker": worker}
    return JsonResponse(body, status=200 if healthy else 503)
