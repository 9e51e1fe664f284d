"""The cast and data of the meetings' and case library's tests (the `org` fixture is in conftest.py).

A company with two branches; the city branch has a supply station. Mona manages the city branch, Boss the
company, Otto the other branch; Hana handles complaints at the station, Carl works its counter, Rita is in its
repair crew. Complaints are bare rows (a closed work order of kind complaint and its particulars), as the
meeting page and the library read them; the loop that makes them is complaints.actions' (tested apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Department, User
from complaints.models import COMPLAINT, Complaint, ComplaintCategory, RootCause
from services.models import Clock, SlaPolicy, WorkOrder
from tests.factories import (
    CustomerFactory,
    ElectricityAccountFactory,
    ServiceGridFactory,
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
            order=order,
            name="answer",
            policy=policy,
            target=4,
            unit=policy.unit,
            started_at=received_at,
            due_at=received_at,
            state="breached",
            breached_at=received_at,
            stopped_at=timezone.now(),
        )
    return found
