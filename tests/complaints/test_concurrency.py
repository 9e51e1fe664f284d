"""Two complaints on one account filed at the same moment: the account's row lock makes the second a repeat."""

from __future__ import annotations

import threading
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from complaints.models import Complaint
from services.models import SlaPolicy
from tests.complaints.conftest import file


@pytest.fixture
def reference_data(transactional_db) -> None:
    """A transactional test's flush empties the migrations' rows (policies, categories): they are put back."""
    if not SlaPolicy.objects.exists():
        import_module("services.migrations.0002_default_policies").load_defaults(apps, None)
    import_module("complaints.migrations.0002_reference_data").load(apps, None)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_complaints_on_one_account_mark_one_a_repeat(reference_data, company, on_postgresql):
    if not on_postgresql:
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def complain() -> None:
        try:
            start.wait(timeout=30)
            file(company)
        except BaseException as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(Complaint.objects.values_list("is_repeat", flat=True)) == [False, True, True, True]
