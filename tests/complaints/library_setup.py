"""The cast and data of the meetings' and case library's tests (imported by their modules, beside H1's conftest).

A company with two branches; the city branch has a supply station. Mona manages the city branch, Boss the
company, Otto the other branch; Hana handles complaints at the station, Carl works its counter, Rita is in its
repair crew. Complaints are bare rows (a closed work order of kind complaint and its particulars), as the
meeting page and the library read them; the loop that makes them is complaints.actions' (tested apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Department, DepartmentKind, Role, User
from complaints.models import COMPLAINT, Complaint, ComplaintCategory, RootCause
from services.models import Clock, SlaPolicy, WorkOrder
from tests.factories import (
    CustomerFactory,
    DepartmentFactory,
    ElectricityAccountFactory,
    ServiceGridFactory,
    StaffFactory,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


@dataclass
class Org:
    company: Department
    city: Department
    station: Department
    other: Department
    boss: User
    mona: User
    otto: User
    hana: User
    carl: User
    rita: User
    outsider: User


@pytest.fixture
def org(db) -> Org:
    company = DepartmentFactory(code="Z", name="市供电公司", kind=DepartmentKind.MANAGEMENT)
    city = DepartmentFactory(code="Z-1", name="城区分公司", kind=DepartmentKind.MANAGEMENT, parent=company)
    station = DepartmentFactory(code="Z-1-1", name="城东供电所", kind=DepartmentKind.SUPPLY_STATION, parent=city)
    other = DepartmentFactory(code="Z-2", name="郊县分公司", kind=DepartmentKind.MANAGEMENT, parent=company)

    def staff(username: str, name: str, role: str, department: Department) -> User:
        return StaffFactory(username=username, full_name=name, role=role, department=department)

    return Org(
        company=company,
        city=city,
        station=station,
        other=other,
        boss=staff("boss", "包总", Role.DEPARTMENT_MANAGER, company),
        mona=staff("mona", "莫主任", Role.DEPARTMENT_MANAGER, city),
        otto=staff("otto", "欧经理", Role.DEPARTMENT_MANAGER, other),
        hana=staff("hana", "韩投诉", Role.COMPLAINT_HANDLER, station),
        carl=staff("carl", "柴柜员", Role.COUNTER_STAFF, station),
        rita=staff("rita", "任抢修", Role.REPAIR_CREW, station),
        outsider=staff("olga", "区外员", Role.COUNTER_STAFF, other),
    )


def category(code: str = "quality_voltage") -> ComplaintCategory:
    return ComplaintCategory.objects.get(code=code)


def root_cause(code: str = "equipment") -> RootCause:
    return RootCause.objects.get(code=code)


_numbers = iter(range(10**6))


def complaint(
    department: Department,
    *,
    received_at: datetime,
    cat: str = "quality_voltage",
    status: str = "closed",
    customer_name: str = "",
    breached: bool = False,
    description: str = "客户反映晚间电压偏低，空调无法启动。",
    **particulars: object,
) -> Complaint:
    """A complaint of `department` received at `received_at` (closed unless told), with its particulars."""
    grid = ServiceGridFactory(department=department)
    account = None
    if customer_name:
        account = ElectricityAccountFactory(grid=grid, customer=CustomerFactory(name=customer_name))
    order = WorkOrder.objects.create(
        number=f"2026{next(_numbers):012d}",
        kind=COMPLAINT,
        channel="95598",
        status=status,
        department=department,
        grid=grid,
        account=account,
        customer=account.customer if account else None,
        description=description,
        opened_at=received_at,
        closed_at=received_at if status == "closed" else None,
    )
    found = Complaint.objects.create(order=order, category=category(cat), received_at=received_at, **particulars)
    if breached:
        policy = SlaPolicy.objects.filter(order_kind=COMPLAINT).first()
        Clock.objects.create(
            order=order, name="answer", policy=policy, target=4, unit=policy.unit, started_at=received_at,
            due_at=received_at, state="breached", breached_at=received_at, stopped_at=timezone.now(),
        )
    return found
