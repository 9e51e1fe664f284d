"""The cast of the tests, and the rule that CI runs on the real services.

Personas: alice and bob are customers, each with one linked account; charlie works a counter, grace is
a grid customer manager, ray is in a repair crew, ivan is an inspector, hana handles complaints, mona
manages a department, and root administers. Staff all work in one supply station, under one company.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from accounts.models import DepartmentKind, Role, User
from tests.factories import (
    DepartmentFactory,
    ElectricityAccountFactory,
    ServiceGridFactory,
    StaffFactory,
    UserFactory,
    id_card_number,
)

# The browser suite's screenshots, var/browser/<test>/<step>-<language>-<width>.png (tests/browser/conftest.py).
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "browser"

ALICE_ID_NUMBER = id_card_number(1001)
BOB_ID_NUMBER = id_card_number(1002)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Screenshots of this run only; and on CI the suite must run against PostgreSQL and Redis, and fails at once
    if either is missing."""
    if not hasattr(session.config, "workerinput"):
        # The one process of a plain run, or the controller of `pytest -n`, before its workers start: a worker
        # must not remove what another has already saved.
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    if not os.environ.get("CI"):
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"Redis does not answer: {error}")
    if problems:
        pytest.exit("CI requires the real services: " + "; ".join(problems), returncode=1)


@pytest.fixture(autouse=True, scope="session")
def clean_up_after_the_session():
    """Remove uploaded files, and drop the tasks tests queued that no worker took (tests call tasks directly)."""
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    from portal.celery import app

    # A broker that does not answer has nothing of ours to clean.
    with contextlib.suppress(Exception), app.connection_for_write() as broker:
        broker.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture(autouse=True)
def english(settings):
    """Tests assert the English source strings; tests/portal/test_translations.py proves the Chinese default."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def chinese_default(settings, english):
    """The portal as it ships: Simplified Chinese unless the visitor asks for English."""
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def company(db):
    return DepartmentFactory(code="C0001", name="市供电公司", kind=DepartmentKind.MANAGEMENT)


@pytest.fixture
def station(company):
    return DepartmentFactory(code="C0001-01", name="城东供电所", parent=company)


@pytest.fixture
def grace(station) -> User:
    return StaffFactory(username="grace", full_name="葛经理", role=Role.GRID_MANAGER, department=station)


@pytest.fixture
def grid(station, grace):
    return ServiceGridFactory(code="TQ00001", name="文三路1号台区", department=station, manager=grace)


def _customer_with_account(username: str, number: str, id_number: str, grid) -> User:
    user = UserFactory(username=username, full_name=username.title())
    ElectricityAccountFactory(
        number=number, grid=grid, customer__id_number=id_number, linked_user=user, linked_at=user.date_joined
    )
    return user


@pytest.fixture
def alice(grid) -> User:
    return _customer_with_account("alice", "3300000001", ALICE_ID_NUMBER, grid)


@pytest.fixture
def bob(grid) -> User:
    return _customer_with_account("bob", "3300000002", BOB_ID_NUMBER, grid)


@pytest.fixture
def charlie(station) -> User:
    return StaffFactory(username="charlie", full_name="柴柜员", role=Role.COUNTER_STAFF, department=station)


@pytest.fixture
def ray(station) -> User:
    return StaffFactory(username="ray", full_name="雷抢修", role=Role.REPAIR_CREW, department=station)


@pytest.fixture
def ivan(station) -> User:
    return StaffFactory(username="ivan", full_name="尹检查", role=Role.INSPECTOR, department=station)


@pytest.fixture
def hana(station) -> User:
    return StaffFactory(username="hana", full_name="韩投诉", role=Role.COMPLAINT_HANDLER, department=station)


@pytest.fixture
def mona(company) -> User:
    return StaffFactory(username="mona", full_name="莫主任", role=Role.DEPARTMENT_MANAGER, department=company)


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", "root@example.com", "correct horse battery")


@pytest.fixture
def personas(alice, bob, charlie, grace, ray, ivan, hana, mona, root) -> dict[str, User]:
    """Everyone, by name: for access-matrix tests that walk every role."""
    return {u.username: u for u in (alice, bob, charlie, grace, ray, ivan, hana, mona, root)}


@pytest.fixture
def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- The kiosk (outlets.kiosk): a registered device in a hall of the station, and its key ---------------------


@pytest.fixture
def kiosk(station, grid):
    """A self-service kiosk, registered, with `kiosk.key` (its Authorization header's value) and a fresh rate."""
    from django.core.cache import cache

    from outlets.kiosk.actions import register_kiosk
    from outlets.models import Outlet

    cache.clear()  # the per-kiosk rate is counted in the cache
    outlet = Outlet.objects.filter(department=station).first() or Outlet.objects.create(
        code="K01",
        name="自助厅",
        department=station,
        district="椒江区",
        address="椒江区1号",
        latitude="28.6",
        longitude="121.4",
        grid=grid,
    )
    credential = register_kiosk(outlet=outlet, name="1号机", by=None)
    credential.kiosk.key = credential.key
    return credential.kiosk
