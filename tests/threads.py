"""Running jobs at the same moment in threads, each on a database connection of its own (the concurrency tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    """Start every job at once (a barrier), wait for all; return what they raised, for the test to show."""
    start, errors = threading.Barrier(len(jobs)), []

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait(timeout=30)
            job()
        except BaseException as error:  # the assertion shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
