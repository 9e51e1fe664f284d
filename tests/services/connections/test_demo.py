"""The in-sale demo: changes of use of nearly every type carried out at the counter, on accounts reserved for
them and never the demo customers'; seeded again on the same city, the same changes."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.demo import demo_customer_accounts
from accounts.models import AccountStatus, ElectricityAccount
from services.connections.demo import DONE
from services.connections.models import CHANGE_OF_USE, RESUMED, AccountChange, ChangeType
from services.models import Channel, WorkOrder

pytestmark = pytest.mark.django_db
SEED = 7


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 3, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def seed() -> None:
    call_command("seed_demo", accounts=60, seed=SEED, verbosity=0, stdout=StringIO(), stderr=StringIO())


def changes() -> list[tuple]:
    orders = WorkOrder.objects.filter(kind=CHANGE_OF_USE).order_by("account__number", "sub_type", "opened_at")
    return list(orders.values_list("account__number", "sub_type", "channel", "status", "opened_at"))


def test_every_done_change_is_on_a_reserved_account_and_a_rerun_makes_the_same():
    seed()
    done = AccountChange.objects.exclude(change_type=RESUMED)
    assert set(done.values_list("change_type", flat=True)) == {change_type for change_type, _extra in DONE}
    assert WorkOrder.objects.filter(kind=CHANGE_OF_USE, channel=Channel.COUNTER).count() == len(DONE)
    customers = [number for numbers in demo_customer_accounts(SEED).values() for number in numbers]
    assert not AccountChange.objects.filter(account__number__in=customers).exists()
    assert done.values("account").distinct().count() == len(DONE)  # one account each
    # The suspension and the removal ended months ago: the nightly task's work is in the history.
    resumed = AccountChange.objects.filter(change_type=RESUMED)
    assert resumed.count() == 2 and not resumed.exclude(account__status=AccountStatus.ACTIVE).exists()
    closed = done.get(change_type=ChangeType.CLOSURE).account
    assert closed.status == AccountStatus.CLOSED
    first, accounts = changes(), list(ElectricityAccount.objects.values_list("number", "status", "tariff_code"))

    WorkOrder.objects.all().delete()  # the city stays, as the changes left it; its orders are seeded anew
    seed()
    assert changes() == first
    assert list(ElectricityAccount.objects.values_list("number", "status", "tariff_code")) == accounts
