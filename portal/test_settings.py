"""The test overlay: the real settings, with a fast password hasher and in-memory mail.

The database and the broker are NOT replaced: with DATABASE_URL and REDIS_URL set the suite runs on
PostgreSQL and Redis (as CI does), and tests/portal/test_worker.py sends a task to a real worker.
"""

import os
from urllib.parse import urlsplit, urlunsplit

# `pytest -n` (the Makefile's test target) runs the suite in several processes, gw0, gw1, …: each gets a
# database of its own from pytest-django, and here a Redis database of its own, the next after REDIS_URL's, so
# that one process's throttle counts, cache entries and queued tasks never meet another's. Set before the
# settings below read REDIS_URL; a worker process a test starts inherits it.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER and os.environ.get("REDIS_URL"):
    _url = urlsplit(os.environ["REDIS_URL"])
    _redis_db = int(_url.path.strip("/") or 0) + int(_XDIST_WORKER.removeprefix("gw"))
    if _redis_db > 15:
        raise RuntimeError(f"test process {_XDIST_WORKER} would need Redis database {_redis_db}: lower REDIS_URL's")
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_redis_db}"))

from portal.settings import *  # noqa: E402, F403
from portal.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by a test sees the same test database; one per
    # test process, so that two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# Tests run with DEBUG off but without collectstatic: let WhiteNoise find static files through the finders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tasks that tests queue go to a queue of their own, on the same broker: a demo worker on this machine never takes
# them, and tests/conftest.py purges it when the session ends.
CELERY_TASK_DEFAULT_QUEUE = "portal-tests"

# Uploaded files of a test run go to a folder of this process's own, removed when the session ends (conftest).
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
