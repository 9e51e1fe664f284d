"""Billing's fixtures: alice's account with readings, and the bill run over them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import ElectricityAccount, User
from tests.factories import MeterReadingFactory


def read(account: ElectricityAccount, period: date, total: str, valley: str | None = None) -> None:
    MeterReadingFactory(
        account=account,
        period=period,
        total_kwh=Decimal(total),
        valley_kwh=Decimal(valley) if valley is not None else None,
        peak_kwh=Decimal(total) - Decimal(valley) if valley is not None else None,
    )


@pytest.fixture
def home(alice: User) -> ElectricityAccount:
    return ElectricityAccount.objects.get(linked_user=alice)
