"""The roll-up of figures per 台区 that the home pages read (services.figures)."""

import pytest

from services.figures import company_totals, refresh_grid_figures
from services.models import GridFigures
from tests.factories import CustomerFactory, ElectricityAccountFactory, ServiceGridFactory
from tests.services.test_views import report, walk_to_resolved

pytestmark = pytest.mark.django_db


def test_the_roll_up_counts_customers_accounts_and_open_orders_per_grid(alice, bob, ray, grid, station):
    empty = ServiceGridFactory(code="TQ00009", department=station)
    customer = CustomerFactory()
    for number in ("3400000001", "3400000002"):  # explicit: the factory's sequence would reach alice's number
        ElectricityAccountFactory(number=number, grid=grid, customer=customer)
    report(alice)
    walk_to_resolved(report(bob), ray)

    assert refresh_grid_figures() == 2

    figures = {row.grid_id: (row.customers, row.accounts, row.open_orders) for row in GridFigures.objects.all()}
    assert figures == {grid.pk: (3, 4, 2), empty.pk: (0, 0, 0)}
    assert company_totals() == {"accounts": 4}


def test_a_second_run_updates_the_rows_in_place(alice, grid):
    refresh_grid_figures()
    ElectricityAccountFactory(number="3400000003", grid=grid)
    refresh_grid_figures()
    assert list(GridFigures.objects.values_list("accounts", flat=True)) == [2]


def test_the_roll_up_costs_the_same_queries_for_one_grid_or_thirty(station, django_assert_max_num_queries):
    for n, grid in enumerate(ServiceGridFactory.create_batch(30, department=station)):
        ElectricityAccountFactory(number=f"35{n:08d}", grid=grid)
    with django_assert_max_num_queries(6):
        refresh_grid_figures()
