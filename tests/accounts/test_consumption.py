"""accounts.consumption.recent_consumption: each account's last twelve months, oldest first, one query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.consumption import recent_consumption
from tests.factories import ElectricityAccountFactory, MeterReadingFactory

pytestmark = pytest.mark.django_db


def _months(count: int) -> list[date]:
    return [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(count)]


def test_one_account_and_several_get_the_same_twelve_months_oldest_first():
    first, second = ElectricityAccountFactory(), ElectricityAccountFactory()
    for month in _months(14):
        MeterReadingFactory(account=first, period=month, total_kwh=month.month)
    for month in _months(3):
        MeterReadingFactory(account=second, period=month, total_kwh=100 + month.month)
    with CaptureQueriesContext(connection) as alone:
        one = recent_consumption([first])[first.pk]
    both = recent_consumption([first, second])
    assert len(alone) == 1
    assert [reading.period for reading in one.readings] == _months(14)[2:]
    assert [(r.period, r.total_kwh) for r in both[first.pk].readings] == [(r.period, r.total_kwh) for r in one.readings]
    assert [reading.period for reading in both[second.pk].readings] == _months(3)
    assert one.total_kwh == sum(month.month for month in _months(14)[2:])


def test_an_account_without_readings_has_none():
    account = ElectricityAccountFactory()
    assert recent_consumption([account])[account.pk].readings == []
    assert recent_consumption([]) == {}
