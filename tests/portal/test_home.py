import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AreaType, DepartmentKind, ElectricityAccount, MeterReading
from services.figures import refresh_grid_figures
from tests.factories import (
    CustomerFactory,
    DepartmentFactory,
    ElectricityAccountFactory,
    ServiceGridFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def add_readings(account: ElectricityAccount, months: int) -> None:
    """Monthly readings from 2025-09 on, 100 kWh more each month, split 60/40 into peak and valley."""
    readings = []
    for index in range(months):
        year, month = divmod(2025 * 12 + 8 + index, 12)
        total = Decimal(100 * (index + 1))
        readings.append(
            MeterReading(
                account=account,
                period=date(year, month + 1, 1),
                total_kwh=total,
                peak_kwh=total * Decimal("0.6"),
                valley_kwh=total * Decimal("0.4"),
            )
        )
    MeterReading.objects.bulk_create(readings)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return len(queries)


def grid_rows(response) -> list[tuple[str, int, int]]:
    """The 台区 table of a staff home page: (code, customers, accounts) per row, in order."""
    return [(grid.code, grid.customer_count, grid.account_count) for grid in response.context["grids"]]


# --- Anonymous -----------------------------------------------------------------------------------------


def test_the_public_home_page_says_what_the_portal_does_and_what_it_promises(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    text = response.text
    # Only what works, each a link to it.
    for service, url in (
        ("Report a fault", "services:report-fault"),
        ("Service application", "services:file-application"),
        ("Follow a request", "services:my-requests"),
        ("Your consumption", "accounts:list"),
        # Pre-sale (issue 11), open to everyone.
        ("Outage notices", "notices:lookup"),
        ("Knowledge base", "kb:index"),
        ("Tariff calculator", "tariffs:calculator"),
    ):
        assert f'href="{reverse(url)}">{service}</a>' in text
    assert "Apply for power" not in text
    for commitment in ("45 minutes", "90 minutes", "2 hours", "3 hours", "4 hours", "5 working days"):
        assert commitment in text
    assert "answer within 4 working days" in text
    assert "95598" in text
    assert f'href="{reverse("accounts:login")}"' in text
    assert f'href="{reverse("accounts:register")}"' in text


def test_the_public_home_page_reads_nothing_from_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("portal:home"))


# --- Customer ------------------------------------------------------------------------------------------


def test_a_customer_sees_each_linked_account_with_twelve_months_and_their_total(client, alice, grid):
    second = ElectricityAccountFactory(number="3300000011", grid=grid, linked_user=alice, linked_at=alice.date_joined)
    add_readings(ElectricityAccount.objects.get(number="3300000001"), 14)
    add_readings(second, 3)
    client.force_login(alice)

    response = client.get(reverse("portal:home"))

    cards = {account.number: consumption for account, consumption in response.context["cards"]}
    assert list(cards) == ["3300000001", "3300000011"]
    assert len(cards["3300000001"].readings) == 12
    assert cards["3300000001"].total_kwh == Decimal(sum(range(3, 15)) * 100)
    assert cards["3300000011"].total_kwh == Decimal(600)
    text = response.text
    data = json.loads(re.search(r'id="consumption-3300000001" type="application/json">(.*?)</script>', text).group(1))
    assert data["labels"][0] == "2025-11" and data["labels"][-1] == "2026-10"
    assert "10200.00 kWh" in text  # (3 + ... + 14) × 100
    assert reverse("accounts:detail", args=["3300000011"]) in text
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in text


def test_a_customer_never_sees_another_customers_account_at_home(client, alice, bob):
    client.force_login(alice)
    text = client.get(reverse("portal:home")).text
    assert "3300000001" in text
    assert "3300000002" not in text


def test_a_customer_without_accounts_is_asked_to_link_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portal:home"))
    assert response.context["cards"] == []
    assert "Link your electricity account" in response.text
    assert "chart.umd.min.js" not in response.text


def test_the_customer_home_runs_the_same_queries_for_two_or_twenty_accounts(client, alice, grid):
    client.force_login(alice)
    second = ElectricityAccountFactory(grid=grid, linked_user=alice, linked_at=alice.date_joined)
    add_readings(second, 12)
    few = count_queries(client)
    more = ElectricityAccountFactory.create_batch(20, grid=grid, linked_user=alice, linked_at=alice.date_joined)
    for account in more:
        add_readings(account, 14)
    assert count_queries(client) == few <= 7  # the seventh: the outage notices on their 台区 (issue 11)


# --- Staff ---------------------------------------------------------------------------------------------


@pytest.fixture
def other_station(company):
    return DepartmentFactory(code="C0001-02", name="城西供电所", parent=company)


def test_a_grid_manager_sees_the_department_and_its_grids_with_their_own_first(client, grace, grid, station, alice):
    ServiceGridFactory(code="TQ00000", name="更早的台区", department=station, area_type=AreaType.RURAL)
    # Two accounts of one customer in grace's grid: one customer, two accounts (alice has the third).
    customer = CustomerFactory()
    ElectricityAccountFactory.create_batch(2, grid=grid, customer=customer)
    refresh_grid_figures()
    client.force_login(grace)

    response = client.get(reverse("portal:home"))

    assert grid_rows(response) == [("TQ00001", 2, 3), ("TQ00000", 0, 0)]
    text = response.text
    assert station.name in text and "Local supply station" in text and "市供电公司" in text
    assert text.count('class="own-grid"') == 1
    assert "Special remote area" not in text and "Rural" in text


def test_the_staff_home_shows_the_roll_ups_figures_not_a_count_made_on_the_view(client, grace, grid, alice):
    refresh_grid_figures()
    for number in ("3400000001", "3400000002", "3400000003"):
        ElectricityAccountFactory(number=number, grid=grid)
    client.force_login(grace)
    assert grid_rows(client.get(reverse("portal:home"))) == [("TQ00001", 1, 1)]
    refresh_grid_figures()
    response = client.get(reverse("portal:home"))
    assert grid_rows(response) == [("TQ00001", 4, 4)]
    assert "recounted every five minutes" in response.text


def test_a_grid_the_roll_up_has_not_counted_yet_shows_dashes(client, grace, grid):
    client.force_login(grace)
    response = client.get(reverse("portal:home"))
    assert grid_rows(response) == [("TQ00001", None, None)]
    assert "Figures not counted yet" in response.text


def test_staff_see_every_grid_below_their_department_and_none_elsewhere(client, mona, grid, station, other_station):
    ServiceGridFactory(code="TQ00002", department=other_station)
    team = DepartmentFactory(code="C0001-02-01", parent=other_station, kind=DepartmentKind.OPERATIONS)
    ServiceGridFactory(code="TQ00003", department=team)
    elsewhere = DepartmentFactory(code="C0002", kind=DepartmentKind.MANAGEMENT)
    ServiceGridFactory(code="TQ00009", department=elsewhere)
    client.force_login(mona)

    codes = [code for code, _, _ in grid_rows(client.get(reverse("portal:home")))]

    assert codes == ["TQ00001", "TQ00002", "TQ00003"]


def test_a_station_member_sees_only_the_stations_grids(client, charlie, grid, other_station):
    ServiceGridFactory(code="TQ00002", department=other_station)
    client.force_login(charlie)
    assert [code for code, _, _ in grid_rows(client.get(reverse("portal:home")))] == ["TQ00001"]


def test_the_grid_list_is_paginated(client, charlie, station):
    ServiceGridFactory.create_batch(30, department=station)
    client.force_login(charlie)
    first = client.get(reverse("portal:home"))
    assert len(grid_rows(first)) == 25 and first.context["page"].paginator.count == 30
    assert len(grid_rows(client.get(reverse("portal:home"), {"page": 2}))) == 5


def test_the_staff_home_runs_the_same_queries_for_two_or_thirty_grids(client, grace, grid, station, alice, bob):
    client.force_login(grace)
    ServiceGridFactory(department=station)
    few = count_queries(client)
    for new_grid in ServiceGridFactory.create_batch(30, department=station, manager=grace):
        ElectricityAccountFactory.create_batch(2, grid=new_grid)
    assert count_queries(client) == few <= 7


# --- Administrator without a department ---------------------------------------------------------------


def test_an_administrator_without_department_sees_the_top_of_the_company(client, root, station, other_station, grid):
    client.force_login(root)
    response = client.get(reverse("portal:home"))
    assert [department.code for department in response.context["departments"]] == ["C0001"]
    assert response.context["totals"] == {"departments": 3, "grids": 1, "accounts": 0}
    for number in ("3400000001", "3400000002"):
        ElectricityAccountFactory(number=number, grid=grid)
    refresh_grid_figures()
    assert client.get(reverse("portal:home")).context["totals"]["accounts"] == 2
    assert "城东供电所" in response.text and "城西供电所" in response.text
    assert reverse("admin:index") in response.text


def test_the_company_home_runs_the_same_queries_however_many_departments(client, root, station):
    client.force_login(root)
    few = count_queries(client)
    for number in range(10):
        top = DepartmentFactory(code=f"Z{number:02d}", kind=DepartmentKind.MANAGEMENT)
        DepartmentFactory.create_batch(3, parent=top)
        StaffFactory(department=top)
    assert count_queries(client) == few <= 8
