import re
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts import demo, identity
from accounts.actions import link_account
from accounts.models import (
    AreaType,
    Customer,
    CustomerClass,
    CustomerKind,
    Department,
    DepartmentKind,
    ElectricityAccount,
    MeterReading,
    Role,
    ServiceGrid,
    User,
)
from services.models import WorkOrder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEED = 7
TODAY = datetime(2026, 3, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def today():
    # The clock stands still: a seed plans its latest orders minutes before "now", and billing's demo cuts only
    # homes without orders, so a second seeding a minute later on a slow machine could choose other homes.
    with time_machine.travel(TODAY, tick=False):
        yield


def seed_demo(accounts: int = 60, **options) -> str:
    out = StringIO()
    options.setdefault("seed", SEED)
    options.setdefault("verbosity", 0)
    call_command("seed_demo", accounts=accounts, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def wipe_billing() -> None:
    from billing.models import Bill, LedgerEntry, Payment

    LedgerEntry.objects.all().delete()
    Payment.objects.all().delete()
    Bill.objects.all().delete()


def wipe_accounts() -> None:
    WorkOrder.objects.all().delete()  # the demo's work orders protect their accounts and customers
    wipe_billing()  # so do the demo's bills and payments (billing protects its money records)
    ElectricityAccount.objects.all().delete()
    Customer.objects.all().delete()


def city_snapshot() -> dict[str, list[tuple]]:
    accounts = ElectricityAccount.objects.order_by("number").values_list(
        "number", "customer__name", "customer__kind", "customer__phone", "customer__email",
        "customer__id_number_digest", "address", "grid__code", "customer_class", "voltage_level",
        "contracted_capacity_kva", "tariff_code", "is_important", "status", "opened_on",
    )  # fmt: skip
    readings = MeterReading.objects.order_by("account__number", "period").values_list(
        "account__number", "period", "total_kwh", "peak_kwh", "valley_kwh"
    )
    staff = User.objects.order_by("username").values_list("username", "full_name", "role", "department__code")
    # Which accounts share a customer, independently of the customers' ids.
    holders = ElectricityAccount.objects.order_by("number").values_list("customer_id", flat=True)
    first_of = {}
    sharing = [first_of.setdefault(customer_id, number) for number, customer_id in enumerate(holders)]
    return {"accounts": list(accounts), "readings": list(readings), "staff": list(staff), "sharing": sharing}


def test_seed_builds_the_department_tree_of_the_city():
    seed_demo()
    city = Department.objects.get(code="TZ")
    assert city.kind == DepartmentKind.MANAGEMENT and city.parent is None
    kinds = sorted(city.children.values_list("kind", flat=True))
    assert kinds.count(DepartmentKind.MANAGEMENT) == 4
    assert {DepartmentKind.MARKETING, DepartmentKind.OPERATIONS, DepartmentKind.CUSTOMER_SERVICE} <= set(kinds)
    for branch in city.children.filter(kind=DepartmentKind.MANAGEMENT):
        below = list(branch.children.values_list("kind", flat=True))
        assert 2 <= below.count(DepartmentKind.SUPPLY_STATION) <= 3
        assert below.count(DepartmentKind.OPERATIONS) == 1
    assert Department.objects.subtree_of(city).count() == Department.objects.count() == 22


def test_fifty_grids_cover_urban_rural_and_remote_areas_each_with_a_grid_manager_of_its_station():
    seed_demo()
    grids = ServiceGrid.objects.select_related("manager", "department")
    assert grids.count() == 50
    assert set(grids.values_list("area_type", flat=True)) == set(AreaType)
    for grid in grids:
        assert grid.department.kind == DepartmentKind.SUPPLY_STATION
        assert grid.manager.role == Role.GRID_MANAGER and grid.manager.department == grid.department
    assert User.objects.get(username="grid").managed_grids.count() == 3
    owned = User.objects.filter(role=Role.GRID_MANAGER).annotate(grids=Count("managed_grids"))
    assert set(owned.values_list("grids", flat=True)) <= {2, 3}


def test_there_is_staff_for_every_role_and_every_employee_but_the_administrator_has_a_department():
    seed_demo()
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    employees = User.objects.exclude(role__in=[Role.CUSTOMER, Role.ADMINISTRATOR])
    assert not employees.filter(department=None).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMINISTRATOR


def test_every_demo_login_signs_in_with_the_demo_password(client):
    seed_demo()
    usernames = [login.username for login in demo.DEMO_STAFF] + list(demo.DEMO_CUSTOMERS)
    assert [user.username for user in demo.demo_logins()] == usernames
    # django-axes needs the request that Client.login() does not pass on by itself.
    for username in usernames:
        assert client.login(request=HttpRequest(), username=username, password=demo.DEMO_PASSWORD), username
        client.logout()
    assert not client.login(request=HttpRequest(), username="grid", password="wrong password")


def test_demo_customers_hold_their_linked_accounts():
    seed_demo()
    phone_user = User.objects.get(username=demo.DEMO_CUSTOMER_PHONE, phone=demo.DEMO_CUSTOMER_PHONE)
    email_user = User.objects.get(username=demo.DEMO_CUSTOMER_EMAIL, email=demo.DEMO_CUSTOMER_EMAIL)
    two_homes = phone_user.linked_accounts.all()
    assert two_homes.count() == 2 and two_homes.values("customer").distinct().count() == 1
    assert phone_user.full_name == two_homes[0].customer.name
    assert email_user.linked_accounts.count() == 1
    assert not ElectricityAccount.objects.filter(linked_user__isnull=False, linked_at=None).exists()
    assert ElectricityAccount.objects.filter(linked_user__isnull=False).count() == 3


def test_every_account_has_twelve_readings_ending_with_last_month():
    seed_demo(orders=0)  # the city as planned: the in-sale demo changes some tariffs (services.connections.demo)
    periods = sorted({period for period in MeterReading.objects.values_list("period", flat=True)})
    assert periods[0] == date(2025, 3, 1) and periods[-1] == date(2026, 2, 1) and len(periods) == 12
    per_account = ElectricityAccount.objects.annotate(n=Count("readings")).values_list("n", flat=True)
    assert set(per_account) == {12}
    flat = MeterReading.objects.filter(account__tariff_code=demo.FLAT_TARIFF)
    assert flat.exists() and not flat.exclude(peak_kwh=None, valley_kwh=None).exists()
    for reading in MeterReading.objects.exclude(account__tariff_code=demo.FLAT_TARIFF):
        assert reading.peak_kwh + reading.valley_kwh == reading.total_kwh
        assert reading.total_kwh == 0 or Decimal("0.25") < reading.valley_kwh / reading.total_kwh < Decimal("0.5")


def test_households_use_most_in_summer_and_least_in_spring():
    seed_demo(accounts=200)
    residential = MeterReading.objects.filter(account__customer_class=CustomerClass.LV_RESIDENTIAL)
    by_month = dict(residential.values_list("period__month").annotate(Sum("total_kwh")))
    assert by_month[8] > by_month[1] > by_month[4]
    assert max(by_month, key=by_month.get) in (7, 8) and min(by_month, key=by_month.get) in (4, 5)


def test_classes_capacities_and_tariffs_follow_the_class_of_the_account():
    seed_demo(accounts=200, orders=0)  # as planned: the in-sale demo's changes of use alter a few accounts
    accounts = ElectricityAccount.objects.all()
    mix = dict(accounts.values_list("customer_class").annotate(Count("id")))
    assert mix == {
        CustomerClass.LV_RESIDENTIAL: 180,
        CustomerClass.LV_NON_RESIDENTIAL: 16,
        CustomerClass.HIGH_VOLTAGE: 4,
    }
    for account in accounts:
        assert account.number == demo.account_number(int(account.number) - 3310000000)
        capacity = int(account.contracted_capacity_kva)
        match account.customer_class:
            case CustomerClass.LV_RESIDENTIAL:
                assert account.voltage_level == "220v" and 4 <= capacity <= 10 and not account.is_important
                assert account.tariff_code in ("ZJ-RES-TIER", "ZJ-RES-TOU")
            case CustomerClass.LV_NON_RESIDENTIAL:
                assert account.voltage_level == "380v" and 10 <= capacity <= 100
                assert account.tariff_code == "ZJ-GEN-IND"
            case CustomerClass.HIGH_VOLTAGE:
                assert account.voltage_level == "10kv" and 200 <= capacity <= 2000
                assert account.tariff_code in ("ZJ-GEN-IND", "ZJ-LARGE-IND")


def test_identity_numbers_are_valid_unique_and_stored_only_as_digests():
    seed_demo(accounts=100)
    for index in range(100):
        number = demo.identity_number(SEED, index)
        account = ElectricityAccount.objects.select_related("customer").get(number=demo.account_number(index))
        customer = account.customer
        if customer.kind == CustomerKind.INDIVIDUAL:
            assert identity.validate_id_card(number) == number
        else:
            assert identity.validate_credit_code(number) == number
        assert customer.id_number_digest == identity.digest(number)
        assert customer.id_number_masked == identity.mask(number) != number
    digests = Customer.objects.values_list("id_number_digest", flat=True)
    assert len(set(digests)) == len(digests) == Customer.objects.count()


def test_a_customer_links_a_demo_account_with_its_identity_number():
    seed_demo()
    taken = {number for numbers in demo.demo_customer_accounts(SEED).values() for number in numbers}
    index = next(i for i in range(50) if demo.account_number(i) not in taken)
    carol = UserFactory(username="carol")
    account = link_account(by=carol, number=demo.account_number(index), proof=demo.identity_number(SEED, index))
    assert account.linked_user == carol


def test_the_same_seed_builds_the_same_city_whatever_the_chunk_size():
    seed_demo(chunk_size=7)
    first = city_snapshot()
    wipe_accounts()
    seed_demo()
    assert city_snapshot() == first
    wipe_accounts()
    seed_demo(seed=SEED + 1)
    other = city_snapshot()
    assert other["accounts"] != first["accounts"] and other["readings"] != first["readings"]
    assert other["staff"] != first["staff"]


def test_running_again_adds_nothing_and_costs_the_same_queries_whatever_the_size():
    seed_demo(accounts=60)
    before = city_snapshot()
    with CaptureQueriesContext(connection) as small:
        seed_demo(accounts=60)
    assert city_snapshot() == before
    seed_demo(accounts=240)
    with CaptureQueriesContext(connection) as large:
        seed_demo(accounts=240)
    assert len(large) == len(small)
    assert (ElectricityAccount.objects.count(), MeterReading.objects.count()) == (240, 240 * 12)


def test_a_larger_size_adds_only_the_missing_accounts_and_keeps_a_customers_accounts_together():
    periods = demo.reading_periods(TODAY.date())
    planned = demo.plan_accounts(SEED, range(100), periods)
    split = next(a for a in planned if a.index >= 50 and a.customer.leader == a.index - 1)  # second of a group
    seed_demo(accounts=split.index)
    before = dict(ElectricityAccount.objects.values_list("number", "pk"))
    seed_demo(accounts=100)
    after = dict(ElectricityAccount.objects.values_list("number", "pk"))
    assert len(after) == 100 and {number: after[number] for number in before} == before
    pair = ElectricityAccount.objects.filter(number__in=[demo.account_number(split.index - 1), split.number])
    assert pair.values("customer").distinct().count() == 1
    assert Customer.objects.count() == len({account.customer.leader for account in planned})
    assert MeterReading.objects.count() == 100 * 12


def test_accounts_customers_and_readings_are_inserted_in_bulk():
    demo.seed_master_data(seed=SEED, password="unused")
    with CaptureQueriesContext(connection) as queries:
        counts = demo.seed_accounts(seed=SEED, accounts=120)
    assert (counts.accounts, counts.readings) == (120, 1440)
    assert counts.customers == Customer.objects.count() < 120
    assert len(queries) < 30  # far fewer than the 1,600-odd rows


def test_if_empty_leaves_a_seeded_database_alone():
    seed_demo(accounts=60)
    with translation.override("en"):
        out = seed_demo(accounts=120, if_empty=True, verbosity=1)
    assert "nothing was seeded" in out and "complaints" in out
    assert ElectricityAccount.objects.count() == 60


def test_the_command_prints_the_demo_logins_and_the_counts():
    with translation.override("en"):
        out = seed_demo(accounts=60, verbosity=1)
    logins = ["admin", "manager", "counter", "grid", "repair", "inspector", "complaints", "13800000001"]
    for username in [*logins, "kfmanager", "leader", "agent"]:  # the last three added by the apps
        assert username in out
    assert "Grid customer manager" in out and demo.DEMO_PASSWORD in out
    assert "Electricity accounts: 60 (60 added)" in out and "Meter readings: 720 (720 added)" in out


def test_sizes_out_of_range_are_refused():
    with translation.override("en"), pytest.raises(CommandError, match="--accounts must be between"):
        seed_demo(accounts=demo.MAX_ACCOUNTS + 1)
    assert not Department.objects.exists()


def test_the_readmes_linking_walk_names_a_free_demo_account_and_its_holders_identity_number():
    readme = (settings.BASE_DIR / "README.md").read_text()
    number, id_number = re.search(r"account\s+`(\d{10})` with the identity number `(\w{18})`", readme).groups()
    index = int(number) - int(demo.account_number(0))
    assert demo.identity_number(demo.DEFAULT_SEED, index) == id_number
    assert number not in [n for numbers in demo.demo_customer_accounts(demo.DEFAULT_SEED).values() for n in numbers]
