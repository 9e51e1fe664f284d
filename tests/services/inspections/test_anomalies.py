from datetime import date
from decimal import Decimal

import pytest

from accounts.models import MeterReading
from services.inspections import actions, anomalies
from services.inspections.models import AnomalyFlag, Checklist, FlagStatus, Rule
from tests.factories import ElectricityAccountFactory, ServiceGridFactory

pytestmark = pytest.mark.django_db

SCANNED = date(2026, 11, 1)


def months() -> list[date]:
    return [date(2025, 11, 1), date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 11)]


def readings(account, usual: float, now: float, *, share: float = 0.6, share_now: float | None = None) -> None:
    rows = []
    for i, period in enumerate(months()):
        kwh = usual * (1 + 0.05 * ((i % 3) - 1))
        rows.append(_row(account, period, kwh, share))
    rows.append(_row(account, SCANNED, now, share if share_now is None else share_now))
    MeterReading.objects.bulk_create(rows)


def _row(account, period: date, kwh: float, share: float) -> MeterReading:
    total = Decimal(str(round(kwh, 2)))
    peak = Decimal(str(round(kwh * share, 2)))
    return MeterReading(account=account, period=period, total_kwh=total, peak_kwh=peak, valley_kwh=total - peak)


@pytest.fixture
def city(grid):
    """One 台区 of ordinary households and one planted anomaly of each kind; a second 台区 that dropped as a whole."""
    for _ in range(8):
        readings(ElectricityAccountFactory(grid=grid), 200, 205)
    planted = {
        "vacant": (200, 0, {}),
        "thief": (200, 40, {}),
        "spike": (200, 1500, {}),
        "tou": (200, 200, {"share_now": 0.1}),
    }
    accounts = {}
    for name, (usual, now, extra) in planted.items():
        accounts[name] = ElectricityAccountFactory(grid=grid)
        readings(accounts[name], usual, now, **extra)
    accounts["big"] = ElectricityAccountFactory(grid=grid, contracted_capacity_kva=Decimal("2.0"))
    readings(accounts["big"], 1300, 1300)
    holiday = ServiceGridFactory(code="TQ00099", department=grid.department)
    for _ in range(6):
        readings(ElectricityAccountFactory(grid=holiday), 200, 50)
    return accounts


def flagged() -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for account_id, rule in AnomalyFlag.objects.values_list("account_id", "rule"):
        found.setdefault(account_id, set()).add(rule)
    return found


def test_each_rule_fires_on_its_planted_account_and_nowhere_else(city):
    anomalies.scan(SCANNED)
    found = flagged()
    assert found == {
        city["vacant"].pk: {Rule.NEAR_ZERO},
        city["thief"].pk: {Rule.DROP},
        city["spike"].pk: {Rule.SPIKE},
        city["tou"].pk: {Rule.TOU_SHIFT},
        city["big"].pk: {Rule.OVER_CAPACITY},
    }


def test_a_flag_records_the_figures_behind_it(city):
    anomalies.scan(SCANNED)
    drop = AnomalyFlag.objects.get(rule=Rule.DROP)
    assert drop.figures["kwh"] == 40
    assert 190 <= drop.figures["median"] <= 210
    assert drop.figures["last_year"] is not None and drop.figures["grid_ratio"] >= 0.7


def test_a_rescan_adds_nothing(city):
    first = anomalies.scan(SCANNED)
    assert first == 5
    assert anomalies.scan(SCANNED) == 0
    assert AnomalyFlag.objects.count() == 5


def test_precision_counts_inspected_flags_that_had_a_finding(city, mona, ivan):
    anomalies.scan(SCANNED)
    checklist = Checklist.objects.get(code="low_voltage")
    thief = AnomalyFlag.objects.get(rule=Rule.DROP)
    order = actions.open_inspection_from_flag(thief, by=mona, checklist=checklist)
    actions.dismiss_flag(AnomalyFlag.objects.get(rule=Rule.SPIKE), by=mona, reason="新装空调")
    thief.refresh_from_db()
    assert thief.status == FlagStatus.INSPECTING and thief.inspection.order == order
    order.inspection.has_findings, order.inspection.completed_at = True, order.opened_at
    order.inspection.save()
    rows = {row["rule"]: row for row in anomalies.precision()}
    assert rows[Rule.DROP]["precision"] == 100
    assert rows[Rule.SPIKE]["precision"] is None


def test_a_reviewed_flag_cannot_be_reviewed_again(city, mona):
    anomalies.scan(SCANNED)
    flag = AnomalyFlag.objects.get(rule=Rule.NEAR_ZERO)
    actions.dismiss_flag(flag, by=mona, reason="空置房")
    with pytest.raises(actions.FlagReviewed):
        actions.dismiss_flag(flag, by=mona, reason="again")


def test_only_supervisors_review_flags(city, ivan):
    from django.core.exceptions import PermissionDenied

    anomalies.scan(SCANNED)
    with pytest.raises(PermissionDenied):
        actions.dismiss_flag(AnomalyFlag.objects.first(), by=ivan, reason="no")
