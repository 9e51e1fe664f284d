"""The outlets' cast: one business hall of the test company (open 08:30–17:00 every day), two queue services
(A payment, B new connection, which goes first), two counters (1 serves both, 2 only payment), and a
convenience point with its agent, pat."""

from datetime import time

import pytest
import time_machine

from accounts.models import Role, User
from outlets.models import Counter, OpeningHours, Outlet, OutletAgent, OutletKind, QueueService
from tests.factories import StaffFactory

# A Wednesday that is a working day: 10:00 in Shanghai.
WEDNESDAY_10AM = "2026-11-18 10:00:00+08:00"


@pytest.fixture
def wednesday_morning():
    """Most tests run at 10:00 on an ordinary Wednesday, when every outlet is open."""
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        yield


@pytest.fixture
def payment(db) -> QueueService:
    return QueueService.objects.create(code="payment", name="缴费", prefix="A", priority=5, typical_minutes=4)


@pytest.fixture
def connection_service(db) -> QueueService:
    return QueueService.objects.create(code="connection", name="新装", prefix="B", priority=2, typical_minutes=15)


def _every_day(outlet: Outlet, opens: time = time(8, 30), closes: time = time(17)) -> None:
    OpeningHours.objects.bulk_create(
        OpeningHours(outlet=outlet, weekday=day, opens_at=opens, closes_at=closes) for day in range(7)
    )


@pytest.fixture
def hall(station, grid, payment, connection_service) -> Outlet:
    outlet = Outlet.objects.create(
        code="H01",
        name="城东营业厅",
        department=station,
        district="椒江区",
        address="台州市椒江区中山西路1号",
        latitude="28.656000",
        longitude="121.420000",
        grid=grid,
    )
    outlet.services.set([payment, connection_service])
    _every_day(outlet)
    return outlet


@pytest.fixture
def counter1(hall, payment, connection_service) -> Counter:
    counter = Counter.objects.create(outlet=hall, number=1)
    counter.services.set([payment, connection_service])
    return counter


@pytest.fixture
def counter2(hall, payment) -> Counter:
    counter = Counter.objects.create(outlet=hall, number=2)
    counter.services.set([payment])
    return counter


@pytest.fixture
def dora(station) -> User:
    """A second counter clerk."""
    return StaffFactory(username="dora", full_name="窦柜员", role=Role.COUNTER_STAFF, department=station)


@pytest.fixture
def point(station, grid, payment) -> Outlet:
    outlet = Outlet.objects.create(
        code="P01",
        name="东山村便民服务点",
        kind=OutletKind.POINT,
        department=station,
        district="椒江区",
        address="台州市椒江区东山村村委会",
        latitude="28.700000",
        longitude="121.500000",
        grid=grid,
    )
    _every_day(outlet, time(9), time(16))
    return outlet


@pytest.fixture
def pat(station, point) -> User:
    agent = StaffFactory(username="pat", full_name="潘代办", role=Role.CONVENIENCE_AGENT, department=station)
    OutletAgent.objects.create(user=agent, outlet=point)
    return agent
