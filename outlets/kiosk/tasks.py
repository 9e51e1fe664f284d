"""The kiosks' periodic work."""

from __future__ import annotations

from celery import shared_task

from outlets.kiosk import actions, alerts


@shared_task
def report_silent_kiosks() -> int:
    """Report kiosks silent for five minutes to their outlet's staff (beat, every minute)."""
    return alerts.report_silent_kiosks()


@shared_task
def purge_kiosk_records() -> int:
    """Delete the kiosks' expired sessions, old proof attempts and old request log rows (beat, hourly)."""
    return actions.purge_old_records()
