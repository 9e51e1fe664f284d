"""Fee recovery per 台区 and month, the figure the dashboards read; the permissions table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.figures import fee_recovery
from billing.models import Bill
from billing.permissions import MAY, arrears_grids, may
from billing.run import run_bills
from tests.billing.conftest import read


def test_fee_recovery_is_what_was_paid_by_the_due_date_over_what_was_billed(home, bob, grid):
    other = bob.linked_accounts.get()
    read(home, date(2026, 1, 1), "230.00")  # 123.74, paid on time
    read(other, date(2026, 1, 1), "100.00")  # 53.80, paid late
    run_bills(date(2026, 1, 1))
    Bill.objects.filter(account=home).update(paid_on=date(2026, 2, 20))
    Bill.objects.filter(account=other).update(paid_on=date(2026, 3, 1))
    figure = fee_recovery(date(2026, 1, 1), [grid.pk])[grid.pk]
    assert (figure.billed, figure.collected) == (Decimal("177.54"), Decimal("123.74"))
    assert figure.rate == Decimal("0.6970")
    assert fee_recovery(date(2026, 2, 1)) == {}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("alice", {"pay_online"}),
        ("charlie", {"take_counter_payment", "see_arrears"}),
        ("grace", {"take_counter_payment", "disconnect", "see_arrears"}),
        ("mona", {"take_counter_payment", "disconnect", "refund", "see_arrears"}),
        ("ray", set()),
        ("root", set()),
    ],
)
def test_each_role_may_do_what_the_table_says(personas, name, allowed):
    user = personas[name]
    assert {action for action in MAY if may(user, action)} == allowed


def test_a_grid_manager_follows_their_own_grids_and_others_their_departments(grace, charlie, grid, station):
    assert list(arrears_grids(grace)) == [grid]
    assert grid in arrears_grids(charlie)
