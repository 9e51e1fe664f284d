"""The settings module on its embedded defaults and with the real services configured, each in a fresh process."""

import json
import os
from pathlib import Path
from typing import Any

from tests.fresh import last_line

READ_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "languages": [code for code, name in settings.LANGUAGES],
    "time_zone": settings.TIME_ZONE,
    "debug": settings.DEBUG,
    "database_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "broker_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
}))
"""

SERVICES = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "TIME_ZONE")
TIMEOUTS = ("DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT", "REDIS_TIMEOUT")
POSTGRES = "postgres://portal:secret@db.internal:5432/portal"


def settings_with(var_dir: Path, **environment: str) -> dict[str, Any]:
    base = {name: value for name, value in os.environ.items() if name not in SERVICES + TIMEOUTS}
    env = {**base, "DJANGO_SETTINGS_MODULE": "portal.settings", "VAR_DIR": str(var_dir), **environment}
    return json.loads(last_line(READ_SETTINGS, env))


def test_with_nothing_configured_the_portal_runs_on_sqlite_and_a_serverless_broker(tmp_path: Path) -> None:
    values = settings_with(tmp_path)

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["database"] == str(tmp_path / "portal.sqlite3")
    assert values["broker"] == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["debug"] is True
    assert values["language"] == "zh-hans"
    assert values["languages"] == ["zh-hans", "en"]
    assert values["time_zone"] == "Asia/Shanghai"


def test_database_url_and_redis_url_switch_to_postgresql_and_redis(tmp_path: Path) -> None:
    values = settings_with(
        tmp_path, DATABASE_URL="postgres://portal:secret@db.internal:5432/portal", REDIS_URL="redis://cache:6379/2"
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["database"] == "portal"
    assert values["broker"] == "redis://cache:6379/2"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert not (tmp_path / "broker").exists()


def test_sqlite_keeps_its_lock_wait_and_gets_no_postgresql_options(tmp_path: Path) -> None:
    assert settings_with(tmp_path)["database_options"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_postgresql_and_redis_fail_fast_by_default(tmp_path: Path) -> None:
    """A partition must fail a request in seconds (a 503), not hang a web worker until gunicorn kills it."""
    values = settings_with(tmp_path, DATABASE_URL=POSTGRES, REDIS_URL="redis://cache:6379/2")

    options = values["database_options"]
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=30000 -c jit=off -c random_page_cost=1.1"
    assert options["tcp_user_timeout"] == 10_000
    assert options["keepalives"] == 1
    assert values["cache_options"] == {"socket_connect_timeout": 2.0, "socket_timeout": 2.0}
    assert values["broker_options"]["socket_connect_timeout"] == 2.0
    assert values["broker_options"]["socket_timeout"] == 2.0


def test_the_timeouts_follow_the_environment_and_keep_the_urls_options(tmp_path: Path) -> None:
    values = settings_with(
        tmp_path,
        DATABASE_URL=POSTGRES + "?sslmode=require",
        REDIS_URL="redis://cache:6379/2",
        DATABASE_CONNECT_TIMEOUT="5",
        DATABASE_STATEMENT_TIMEOUT="0",
        REDIS_TIMEOUT="0.5",
    )

    assert values["database_options"]["sslmode"] == "require"
    assert values["database_options"]["connect_timeout"] == 5
    assert values["database_options"]["options"] == "-c statement_timeout=0 -c jit=off -c random_page_cost=1.1"
    assert values["cache_options"]["socket_timeout"] == 0.5


def test_a_web_worker_loads_every_view_before_its_first_request():
    """gunicorn imports portal.wsgi in each worker before it accepts: the URLconf must be loaded by then, or the
    worker's first requests wait about a second behind its imports."""
    probe = "import sys, portal.wsgi; print('dashboards.views' in sys.modules and 'portal.urls' in sys.modules)"
    assert last_line(probe, {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}) == "True"


def test_a_web_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    """What portal.wsgi loads lives as long as the worker; a full garbage collection walking it took 80-95 ms inside
    a request. After the import, nearly all of it is frozen (more than the objects Django's import alone makes)."""
    probe = "import gc, portal.wsgi; print(gc.get_freeze_count())"
    frozen = int(last_line(probe, {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}))
    assert frozen > 50_000
