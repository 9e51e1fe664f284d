"""The link throttle holds under parallel requests: N wrong proofs at once are evaluated at most limit times."""

import threading

import pytest
from django.db import connection

from accounts.actions import LinkRefused, link_account
from accounts.models import LinkAttempt
from tests.factories import ElectricityAccountFactory, UserFactory, id_card_number

PARALLEL = 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_proofs_are_evaluated_no_more_often_than_the_limit(grid, settings):
    ElectricityAccountFactory(number="3300000099", grid=grid, customer__id_number=id_card_number(4242))
    mallory = UserFactory(username="mallory")
    start = threading.Barrier(PARALLEL)
    refusals: list[LinkRefused] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            start.wait(timeout=10)
            link_account(by=mallory, number="3300000099", proof=id_card_number(5000 + n))
        except LinkRefused as refusal:
            refusals.append(refusal)
        except BaseException as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(refusals) == PARALLEL
    assert LinkAttempt.objects.filter(user=mallory).count() == settings.LINK_FAILURE_LIMIT
    assert sum(refusal.throttled for refusal in refusals) == PARALLEL - settings.LINK_FAILURE_LIMIT
