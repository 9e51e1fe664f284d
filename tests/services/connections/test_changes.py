"""Changes of use: each type's rules at filing, and its effect on the account (with the account's history)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AccountStatus, Suspension, VoltageLevel
from services.connections import actions
from services.connections.models import AccountChange, ChangeType
from services.models import Channel, Status
from tests.factories import ElectricityAccountFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


@pytest.fixture
def account(alice):
    return alice.linked_accounts.get()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def file(by, account, change_type, **fields):
    fields.setdefault("start_on", days(5))
    return actions.file_change_of_use(by=by, channel=Channel.WEB, change_type=change_type, account=account, **fields)


def done(order, by):
    return actions.complete_change(actions.start_change(order, by=by), by=by)


def refused_on(field: str, *args, **kwargs) -> None:
    with pytest.raises(ValidationError) as refusal:
        file(*args, **kwargs)
    assert field in refusal.value.message_dict, refusal.value.message_dict


def test_every_change_is_applied_for_five_days_ahead(alice, account):
    refused_on("start_on", alice, account, ChangeType.TARIFF_CHANGE, start_on=days(4), new_tariff_code="ZJ-TOU")


def test_a_suspension_lasts_at_least_fifteen_days(alice, account):
    refused_on("end_on", alice, account, ChangeType.SUSPENSION, end_on=days(5 + 14))
    assert file(alice, account, ChangeType.SUSPENSION, end_on=days(5 + 15)).sub_type == ChangeType.SUSPENSION


def test_suspensions_are_at_most_six_months_a_year_counted_from_the_history(alice, account, grace):
    AccountChange.objects.create(
        account=account,
        change_type=ChangeType.SUSPENSION,
        start_on=date(2026, 1, 5),
        end_on=date(2026, 5, 5),
        at=timezone.now(),
    )
    refused_on("end_on", alice, account, ChangeType.SUSPENSION, start_on=date(2026, 6, 1), end_on=date(2026, 8, 15))
    assert file(alice, account, ChangeType.SUSPENSION, start_on=date(2026, 6, 1), end_on=date(2026, 6, 30))


def test_a_suspension_done_suspends_the_account_at_the_customers_request(alice, account, grace):
    order = done(file(alice, account, ChangeType.SUSPENSION, end_on=days(40)), grace)
    account.refresh_from_db()
    assert (account.status, account.suspension) == (AccountStatus.SUSPENDED, Suspension.REQUEST)
    change = AccountChange.objects.get(account=account)
    assert change.order == order and change.changes["status"] == ["active", "suspended"]
    assert order.status == Status.RESOLVED


def test_a_capacity_reduction_lasts_six_months_to_two_years_and_lowers_the_capacity(alice, account, grace):
    refused_on("end_on", alice, account, ChangeType.CAPACITY_REDUCTION, end_on=days(100), new_capacity_kva=Decimal(4))
    refused_on("end_on", alice, account, ChangeType.CAPACITY_REDUCTION, end_on=days(900), new_capacity_kva=Decimal(4))
    refused_on(
        "new_capacity_kva", alice, account, ChangeType.CAPACITY_REDUCTION, end_on=days(300), new_capacity_kva=Decimal(9)
    )
    done(file(alice, account, ChangeType.CAPACITY_REDUCTION, end_on=days(300), new_capacity_kva=Decimal(4)), grace)
    account.refresh_from_db()
    assert account.contracted_capacity_kva == Decimal("4.0")


def test_a_temporary_removal_lasts_at_most_six_months(alice, account, grace):
    refused_on("end_on", alice, account, ChangeType.TEMPORARY_REMOVAL, end_on=days(200))
    done(file(alice, account, ChangeType.TEMPORARY_REMOVAL, end_on=days(60)), grace)
    account.refresh_from_db()
    assert (account.status, account.suspension) == (AccountStatus.SUSPENDED, Suspension.REMOVAL)


def test_a_temporary_swap_lasts_at_most_two_months(alice, account):
    refused_on("end_on", alice, account, ChangeType.TEMPORARY_SWAP, end_on=days(70))
    assert file(alice, account, ChangeType.TEMPORARY_SWAP, end_on=days(40))


def test_a_transfer_waits_for_no_arrears_and_unlinks_the_account(alice, account, grace):
    account.arrears_since = date(2026, 1, 15)
    account.save(update_fields=["arrears_since"])
    refused_on("account", alice, account, ChangeType.TRANSFER, new_holder_name="Carol")
    account.arrears_since = None
    account.save(update_fields=["arrears_since"])
    done(file(alice, account, ChangeType.TRANSFER, new_holder_name="Carol"), grace)
    account.refresh_from_db()
    assert account.customer.name == "Carol" and account.linked_user is None


def test_arrears_found_after_filing_stop_the_transfer(alice, account, grace):
    order = actions.start_change(file(alice, account, ChangeType.TRANSFER, new_holder_name="Carol"), by=grace)
    account.arrears_since = date(2026, 2, 15)
    account.save(update_fields=["arrears_since"])
    with pytest.raises(actions.StageRefused):
        actions.complete_change(order, by=grace)
    assert not AccountChange.objects.exists()


def test_closing_an_account_makes_it_closed_and_unlinked(alice, account, grace):
    done(file(alice, account, ChangeType.CLOSURE), grace)
    account.refresh_from_db()
    assert account.status == AccountStatus.CLOSED and account.linked_user is None
    refused_on("account", alice, account, ChangeType.TARIFF_CHANGE, new_tariff_code="ZJ-TOU")


def test_voltage_and_tariff_changes_update_the_account(alice, account, grace):
    refused_on("new_voltage_level", alice, account, ChangeType.VOLTAGE_CHANGE, new_voltage_level=account.voltage_level)
    done(file(alice, account, ChangeType.VOLTAGE_CHANGE, new_voltage_level=VoltageLevel.V380), grace)
    refused_on("new_tariff_code", alice, account, ChangeType.TARIFF_CHANGE, new_tariff_code="")
    done(file(alice, account, ChangeType.TARIFF_CHANGE, new_tariff_code="ZJ-TOU"), grace)
    account.refresh_from_db()
    assert (account.voltage_level, account.tariff_code) == (VoltageLevel.V380, "ZJ-TOU")
    assert account.changes.count() == 2


def test_a_relocation_needs_the_new_address(alice, account, grace):
    refused_on("new_address", alice, account, ChangeType.RELOCATION)
    done(file(alice, account, ChangeType.RELOCATION, new_address="文三路 100 号"), grace)
    account.refresh_from_db()
    assert account.address == "文三路 100 号"


def test_a_merge_closes_the_other_account_of_the_same_holder(alice, account, grace):
    refused_on("other_account", alice, account, ChangeType.MERGE, other_account=account)
    other = ElectricityAccountFactory(
        customer=account.customer, grid=account.grid, linked_user=alice, linked_at=timezone.now()
    )
    done(file(alice, account, ChangeType.MERGE, other_account=other), grace)
    account.refresh_from_db()
    other.refresh_from_db()
    assert account.contracted_capacity_kva == Decimal("16.0") and other.status == AccountStatus.CLOSED


@pytest.mark.parametrize("change_type", [ChangeType.SPLIT, ChangeType.METER_RELOCATION])
def test_the_other_changes_are_recorded_in_the_history(change_type, alice, account, grace):
    done(file(alice, account, change_type), grace)
    assert account.changes.get().change_type == change_type


def test_a_customer_files_only_for_a_linked_account(bob, account):
    refused_on("account", bob, account, ChangeType.METER_RELOCATION)


def test_a_change_is_applied_once(alice, account, grace):
    order = done(file(alice, account, ChangeType.METER_RELOCATION), grace)
    with pytest.raises(actions.TransitionRefused):
        actions.complete_change(order, by=grace)
