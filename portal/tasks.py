"""Tasks of the project itself."""

from celery import shared_task
from django.utils import timezone

from portal.models import WorkerHeartbeat

HEARTBEAT_NAME = "celery"


@shared_task(bind=True)
def record_worker_heartbeat(self, name: str = HEARTBEAT_NAME) -> None:
    """Record that a worker is alive; beat runs this every minute, /healthz reads how long ago it last ran."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "hostname": self.request.hostname or ""}
    )
