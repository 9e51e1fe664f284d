"""What the portal's own PostgreSQL connections run with: the settings reach the server."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from portal.management.commands import seed_demo


@pytest.mark.django_db
def test_postgresql_connections_have_a_statement_timeout_and_no_jit(on_postgresql: bool) -> None:
    if not on_postgresql:
        pytest.skip("PostgreSQL only; the suite runs on it with DATABASE_URL set (and always on CI)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]

    assert timeout == "30s"
    assert jit == "off"


@pytest.mark.django_db
def test_seed_demo_lifts_the_statement_timeout_for_itself_only(on_postgresql: bool, monkeypatch) -> None:
    """A batch job's million-account statements run past the web's 30 s; the connection gets its limit back."""
    if not on_postgresql:
        pytest.skip("PostgreSQL only")
    seen, seed_city = [], seed_demo.demo.seed_city

    def city(**kwargs: object) -> dict:
        seen.append(_timeout())
        return seed_city(**kwargs)

    monkeypatch.setattr(seed_demo.demo, "seed_city", city)
    call_command("seed_demo", accounts=5, orders=0, verbosity=0, stdout=StringIO(), stderr=StringIO())
    assert seen == ["0"] and _timeout() == "30s"


def _timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]
