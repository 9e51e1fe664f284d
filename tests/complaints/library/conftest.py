"""The `org` fixture of the meetings' and case library's tests (the cast is described in data.py)."""

import pytest

from accounts.models import Department, DepartmentKind, Role, User
from tests.complaints.library.data import Org
from tests.factories import DepartmentFactory, StaffFactory


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
