"""Supply resumes by itself when a requested suspension or temporary removal ends (the daily beat task): on the
end date and not before, never for arrears, once (a rerun changes nothing), in a fixed number of queries."""

from datetime import date, timedelta

import pytest
import time_machine

from accounts.models import AccountStatus, Suspension
from services.connections import actions, resumption, tasks
from services.connections.models import RESUMED, AccountChange, ChangeType
from services.models import Channel, Notification, NotificationChannel
from tests.factories import ElectricityAccountFactory

pytestmark = pytest.mark.django_db
FILED = date(2026, 3, 2)
START = FILED + timedelta(days=5)
END = START + timedelta(days=30)


def suspend(account, by, *, change_type=ChangeType.SUSPENSION, end_on=END):
    """File and carry out the change on the filing day: the account is suspended until `end_on`."""
    with time_machine.travel(FILED, tick=False):
        order = actions.file_change_of_use(
            by=by, channel=Channel.WEB, change_type=change_type, account=account, start_on=START, end_on=end_on
        )
        return actions.complete_change(actions.start_change(order, by=by), by=by)


def status_of(account) -> tuple[str, str]:
    account.refresh_from_db()
    return account.status, account.suspension


def test_a_suspension_is_lifted_on_its_end_date_and_not_before(alice, grace):
    account = alice.linked_accounts.get()
    order = suspend(account, grace)
    assert status_of(account) == (AccountStatus.SUSPENDED, Suspension.REQUEST)
    assert resumption.resume_ended_suspensions(today=END - timedelta(days=1)) == 0
    assert status_of(account) == (AccountStatus.SUSPENDED, Suspension.REQUEST)
    assert resumption.resume_ended_suspensions(today=END) == 1
    assert status_of(account) == (AccountStatus.ACTIVE, "")
    row = AccountChange.objects.get(account=account, change_type=RESUMED)
    assert row.order == order and row.start_on == END and row.by is None
    assert row.changes == {"status": ["suspended", "active"], "suspension": ["request", ""]}


def test_the_customer_is_told_in_the_inbox_and_by_sms(alice, grace, django_capture_on_commit_callbacks):
    account = alice.linked_accounts.get()
    suspend(account, grace)
    with django_capture_on_commit_callbacks() as callbacks:
        resumption.resume_ended_suspensions(today=END)
    told = Notification.objects.filter(template="supply_resumed")
    assert {(row.recipient_id, row.channel) for row in told} >= {(alice.pk, NotificationChannel.INBOX)}
    assert told.get(channel=NotificationChannel.INBOX).context["account"] == account.number
    assert len(callbacks) == 1  # delivery is asked for after the commit


def test_a_temporary_removal_is_lifted_too(alice, grace):
    account = alice.linked_accounts.get()
    suspend(account, grace, change_type=ChangeType.TEMPORARY_REMOVAL)
    assert status_of(account) == (AccountStatus.SUSPENDED, Suspension.REMOVAL)
    with time_machine.travel(END - timedelta(days=1), tick=False):
        assert tasks.resume_ended_suspensions.run() == 0  # the task reads today's date: the removal runs on
    assert resumption.resume_ended_suspensions(today=END + timedelta(days=3)) == 1  # a missed day catches up
    assert status_of(account) == (AccountStatus.ACTIVE, "")


def test_an_account_cut_for_arrears_is_never_lifted(alice, grace):
    account = alice.linked_accounts.get()
    suspend(account, grace)
    type(account).objects.filter(pk=account.pk).update(suspension=Suspension.ARREARS)  # billing cut it since
    assert resumption.resume_ended_suspensions(today=END + timedelta(days=60)) == 0
    assert status_of(account) == (AccountStatus.SUSPENDED, Suspension.ARREARS)
    assert not AccountChange.objects.filter(change_type=RESUMED).exists()


def test_a_rerun_changes_nothing(alice, grace):
    account = alice.linked_accounts.get()
    suspend(account, grace)
    assert resumption.resume_ended_suspensions(today=END) == 1
    messages = Notification.objects.count()
    assert resumption.resume_ended_suspensions(today=END) == 0
    assert resumption.resume_ended_suspensions(today=END + timedelta(days=1)) == 0
    assert AccountChange.objects.filter(change_type=RESUMED).count() == 1 and Notification.objects.count() == messages


def test_the_queries_do_not_grow_with_the_accounts_lifted(
    alice, grid, grace, django_assert_max_num_queries, django_assert_num_queries
):
    accounts = [alice.linked_accounts.get(), *ElectricityAccountFactory.create_batch(5, grid=grid)]
    for account in accounts[:2]:
        suspend(account, grace)
    with django_assert_max_num_queries(QUERIES) as few:
        assert resumption.resume_ended_suspensions(today=END) == 2
    for account in accounts[2:]:
        suspend(account, grace)
    with django_assert_num_queries(len(few)):
        assert resumption.resume_ended_suspensions(today=END) == 4
    assert type(accounts[0]).objects.filter(status=AccountStatus.ACTIVE).count() == 6


# Lock and read the due accounts, update them, insert their history and the outbox rows (one INSERT … RETURNING
# on PostgreSQL; look up, insert and read back on SQLite), inside the test's savepoint.
QUERIES = 8
