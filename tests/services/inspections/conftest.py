from decimal import Decimal

import pytest

from accounts.models import CustomerClass, Role, VoltageLevel
from services.inspections.models import Checklist, InspectionPlan
from tests.factories import ElectricityAccountFactory, StaffFactory


@pytest.fixture
def hv_checklist(db) -> Checklist:
    return Checklist.objects.get(code="high_voltage")


@pytest.fixture
def lv_checklist(db) -> Checklist:
    return Checklist.objects.get(code="low_voltage")


@pytest.fixture
def quarterly(lv_checklist) -> InspectionPlan:
    return InspectionPlan.objects.create(
        name_zh="低压季度检查", name_en="Low voltage, quarterly", interval_months=3, checklist=lv_checklist
    )


@pytest.fixture
def hv_account(grid):
    return ElectricityAccountFactory(
        number="3300009001",
        grid=grid,
        customer_class=CustomerClass.HIGH_VOLTAGE,
        voltage_level=VoltageLevel.KV10,
        contracted_capacity_kva=Decimal("630.0"),
        is_important=True,
        customer__phone="13800000000",
    )


@pytest.fixture
def ivan2(station):
    return StaffFactory(username="ivan2", full_name="尹二", role=Role.INSPECTOR, department=station)
