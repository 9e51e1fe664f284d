"""A fresh Python interpreter for the tests that must see what a new process sees (a worker's import, settings
read from a given environment)."""

import subprocess
import sys

from django.conf import settings


def last_line(code: str, env: dict[str, str]) -> str:
    """Run `code` with `python -c` in the project's directory and environment `env`; its output's last line."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]
