"""The settings module on its embedded defaults and with the real services configured, each in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

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
}))
"""

SERVICES = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "TIME_ZONE")


def settings_with(var_dir: Path, **environment: str) -> dict[str, Any]:
    base = {name: value for name, value in os.environ.items() if name not in SERVICES}
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", "VAR_DIR": str(var_dir), **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


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
