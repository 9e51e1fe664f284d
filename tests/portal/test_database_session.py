"""What the portal's own PostgreSQL connections run with: the settings reach the server."""

import pytest
from django.db import connection


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
