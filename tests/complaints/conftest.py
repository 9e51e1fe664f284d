"""Fixtures of the complaints' tests: a company with a complaint centre, its people, and a customer's account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone

from accounts.models import Department, DepartmentKind, ElectricityAccount, Role, User
from complaints import actions
from complaints.actions import Analysis, Filing
from complaints.models import COMPLAINT, ComplaintCategory, RootCause
from services.models import WorkOrder
from tests.factories import DepartmentFactory, ElectricityAccountFactory, ServiceGridFactory, StaffFactory, UserFactory


@dataclass
class Company:
    company: Department
    centre: Department
    station: Department
    handler: User
    second_handler: User
    manager: User
    leader: User
    counter: User
    crew: User
    customer: User
    account: ElectricityAccount
    other_centre_handler: User


@pytest.fixture
def company(db) -> Company:
    company = DepartmentFactory(code="C", kind=DepartmentKind.MANAGEMENT, name="公司")
    branch = DepartmentFactory(code="B", kind=DepartmentKind.MANAGEMENT, parent=company, name="城区分公司")
    centre = DepartmentFactory(code="B-KF", kind=DepartmentKind.CUSTOMER_SERVICE, parent=branch, name="客服中心")
    station = DepartmentFactory(code="B-GDS", kind=DepartmentKind.SUPPLY_STATION, parent=branch, name="供电所")
    elsewhere = DepartmentFactory(code="X-KF", kind=DepartmentKind.CUSTOMER_SERVICE, parent=company, name="别处")
    grid = ServiceGridFactory(department=station)
    customer = UserFactory(phone="13900000001")
    account = ElectricityAccountFactory(grid=grid, linked_user=customer, linked_at=timezone.now())
    return Company(
        company=company,
        centre=centre,
        station=station,
        handler=StaffFactory(role=Role.COMPLAINT_HANDLER, department=centre, username="h1"),
        second_handler=StaffFactory(role=Role.COMPLAINT_HANDLER, department=centre, username="h2"),
        manager=StaffFactory(role=Role.DEPARTMENT_MANAGER, department=branch, username="m1"),
        leader=StaffFactory(role=Role.DEPARTMENT_MANAGER, department=company, username="boss"),
        counter=StaffFactory(role=Role.COUNTER_STAFF, department=station, username="c1"),
        crew=StaffFactory(role=Role.REPAIR_CREW, department=station, username="r1"),
        customer=customer,
        account=account,
        other_centre_handler=StaffFactory(role=Role.COMPLAINT_HANDLER, department=elsewhere, username="hx"),
    )


def category(code: str = "quality_voltage") -> ComplaintCategory:
    return ComplaintCategory.objects.get(code=code)


def file(
    company: Company,
    *,
    kind: str = COMPLAINT,
    channel: str = "95598",
    at: datetime | None = None,
    by: User | None = None,
    **extra: object,
) -> WorkOrder:
    """A complaint entered by the counter (or filed by `by`) on the company's account."""
    filing = Filing(
        kind=kind,
        channel=channel,
        description="电压低，空调无法启动",
        category=extra.pop("category", category()),
        account=extra.pop("account", company.account),
        received_at=at,
        contact_phone="13900000001",
        **extra,
    )
    return actions.file_complaint(by=by or company.counter, filing=filing)


def walk_to_analysed(company: Company, order: WorkOrder, *, fault: bool = True) -> WorkOrder:
    handler = company.handler
    order = actions.record_contact(order, by=handler, method="phone", agreement="三日内上门检测")
    order = actions.investigate(order, by=handler, facts="台区末端电压 180 V")
    analysis = Analysis(
        root_cause=RootCause.objects.get(code="grid_capacity" if fault else "customer_side"),
        is_company_fault=fault,
        analysis="线路过长",
        responsible_department=company.station if fault else None,
    )
    return actions.analyse(order, by=handler, analysis=analysis)
