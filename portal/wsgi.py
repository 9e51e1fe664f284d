"""WSGI entry point, for gunicorn: `gunicorn portal.wsgi`.

Each gunicorn worker imports this module before it accepts a connection, so the URLconf (and with it every view
module, openpyxl and reportlab among them) is loaded here rather than by the worker's first request: that import
took about a second, and every request that reached a fresh worker in that second waited behind it (the kiosk
benchmark's p99 after a restart, bench/README.md).

What is loaded by then lives as long as the worker, so it is then frozen out of the garbage collector's reach: a
full collection walks only what requests create since. It walked the 200,000 objects of the loaded portal too,
80-95 ms at a time, inside whichever request set it off: two in thirty dashboard requests, their p95
(bench/README.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 -- imported for its side effect: the whole URLconf, loaded now
gc.freeze()  # after every import above: see the module's docstring
