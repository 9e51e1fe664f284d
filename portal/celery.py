"""The Celery app.

Tasks subclass Celery's DjangoTask, so every task has `delay_on_commit()`: work is queued only once the
transaction that asked for it has committed, and never from inside a rolled-back one.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["outlets.kiosk"])  # the kiosks' tasks live in a subpackage
