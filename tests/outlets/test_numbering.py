"""Ticket numbers stay unique per outlet and day when a thousand kiosks and phones issue at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from outlets import actions
from outlets.models import Ticket, TicketNumber, TicketSource

ISSUES = 1_000
WORKERS = 40


@pytest.mark.django_db(transaction=True)
def test_a_thousand_concurrent_issues_give_a_thousand_distinct_numbers(hall, payment, on_postgresql, wednesday_morning):
    if not on_postgresql:
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    start = threading.Barrier(WORKERS)

    def issue_many(share: int) -> list[str]:
        try:
            start.wait(timeout=30)
            return [actions.issue_ticket(hall, payment, by=None, source=TicketSource.KIOSK).code for _ in range(share)]
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        codes = [code for batch in pool.map(issue_many, [ISSUES // WORKERS] * WORKERS) for code in batch]
    assert len(codes) == ISSUES
    assert len(set(codes)) == ISSUES
    assert set(codes) == {f"A{n:03d}" for n in range(1, ISSUES + 1)}
    assert Ticket.objects.count() == ISSUES
    assert TicketNumber.objects.get().last == ISSUES
