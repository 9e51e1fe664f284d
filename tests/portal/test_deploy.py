"""`manage.py check --deploy` with the production environment the README documents, in a process of its own."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Variables the settings read; the parent's values (a developer's shell, CI) must not leak into "production".
CONFIGURATION = {
    "DEBUG",
    "SECRET_KEY",
    "IDENTITY_HASH_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
}


def production_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The README's "Production" environment, on this run's database and broker."""
    environment = {name: value for name, value in os.environ.items() if name not in CONFIGURATION}
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        IDENTITY_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.cn",
        CSRF_TRUSTED_ORIGINS="https://portal.example.cn",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'portal.sqlite3'}",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.cn",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="true",
        VAR_DIR=str(var_dir),
    )
    environment.update(overrides)
    return environment


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_with_the_documented_production_environment(tmp_path: Path) -> None:
    result = check_deploy(production_environment(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_secret_key(tmp_path: Path) -> None:
    result = check_deploy(production_environment(tmp_path, SECRET_KEY="short"))

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = check_deploy(production_environment(tmp_path, SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
