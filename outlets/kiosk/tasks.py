"""The kiosks' periodic work."""

from __future__ import annotations

from celery import shared_task

from outlets.kiosk import alerts


@shared_task
def report_silent_kiosks() -> int:
    """Report kiosks silent for five minutes to their outlet's staff (beat, every minute)."""
    return alerts.report_silent_kiosks()
