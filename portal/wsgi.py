"""WSGI entry point, for gunicorn: `gunicorn portal.wsgi`.

Each gunicorn worker imports this module before it accepts a connection, so the URLconf (and with it every view
module, openpyxl and reportlab among them) is loaded here rather than by the worker's first request: that import
took about a second, and every request that reached a fresh worker in that second waited behind it (the kiosk
benchmark's p99 after a restart, bench/README.md).
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 -- imported for its side effect: the whole URLconf, loaded now
