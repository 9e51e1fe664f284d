"""The project: settings, URLs, the Celery app, home pages and health."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
