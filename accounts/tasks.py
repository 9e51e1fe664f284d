"""Periodic housekeeping for accounts."""

from celery import shared_task
from django.utils import timezone

from accounts.models import LinkAttempt, RateLimitHit

LINK_ATTEMPT_RETENTION_DAYS = 90


@shared_task
def purge_link_attempts() -> int:
    """Delete link attempts older than the retention period (the throttle only looks at the last half hour),
    and rate limit hits older than a day."""
    cutoff = timezone.now() - timezone.timedelta(days=LINK_ATTEMPT_RETENTION_DAYS)
    deleted, _ = LinkAttempt.objects.filter(attempted_at__lt=cutoff).delete()
    # Rate limit hits matter only within their window (a day at most): a day old, they go.
    expired, _ = RateLimitHit.objects.filter(hit_at__lt=timezone.now() - timezone.timedelta(days=1)).delete()
    return deleted + expired
