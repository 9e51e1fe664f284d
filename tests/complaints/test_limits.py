"""Each channel's limits, as policy rows, counted from when the channel received the complaint (not from typing),
across a weekend and the National Day holiday (working days by the national calendar, services.sla)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import MISCONDUCT_REPORT, OPINION, PRAISE
from services.models import Clock, SlaPolicy
from tests.complaints.conftest import file

ZONE = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)  # a Friday: the weekend comes first


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("channel", "due"),
    [
        ("95598", local(2026, 11, 27)),  # 4 working days: Mon–Thu after the weekend, due at the close of Thursday
        ("12398", local(2026, 12, 5)),  # 10 working days: two whole weeks
        ("12345", local(2026, 11, 27, 10)),  # 7 days around the clock
        ("counter", local(2026, 11, 30, 10)),  # 10 days: other channels
        ("letter", local(2026, 11, 30, 10)),
        ("web", local(2026, 11, 30, 10)),
    ],
)
def test_each_channel_answers_within_its_limit(company, time_machine, channel, due):
    time_machine.move_to(FRIDAY + timedelta(minutes=5))
    order = file(company, channel=channel, at=FRIDAY)
    answer = Clock.objects.get(order=order, name="answer")
    assert (answer.started_at, answer.due_at) == (FRIDAY, due)
    contact = Clock.objects.get(order=order, name="contact")
    assert contact.due_at == FRIDAY + timedelta(hours=24)


def test_a_report_of_misconduct_is_answered_within_nine_working_days(company, time_machine):
    time_machine.move_to(FRIDAY + timedelta(minutes=5))
    order = file(company, kind=MISCONDUCT_REPORT, channel="95598", at=FRIDAY, category=None)
    assert Clock.objects.get(order=order, name="answer").due_at == local(2026, 12, 4)
    assert not Clock.objects.filter(order=order, name="contact").exists()


def test_the_clock_skips_the_national_day_holiday(company, time_machine):
    received = local(2026, 9, 30, 10)
    time_machine.move_to(received + timedelta(hours=1))
    order = file(company, channel="95598", at=received)
    # Oct 1–7 are off; Oct 8, 9, Saturday Oct 10 (a working day made up) and Monday Oct 12 count.
    assert Clock.objects.get(order=order, name="answer").due_at == local(2026, 10, 13)


def test_the_clock_starts_when_the_channel_received_it_not_when_it_was_typed(company, time_machine):
    received = local(2026, 11, 18, 16)  # a letter received on Wednesday, entered the next Monday
    time_machine.move_to(local(2026, 11, 23, 9))
    order = file(company, channel="letter", at=received)
    answer = Clock.objects.get(order=order, name="answer")
    assert answer.started_at == received and answer.due_at == received + timedelta(days=10)
    # The contact limit had already passed when it was typed in: it runs breached from the start.
    contact = Clock.objects.get(order=order, name="contact")
    assert contact.due_at < order.opened_at


def test_a_receipt_date_in_the_future_or_long_past_is_refused(company, time_machine):
    time_machine.move_to(FRIDAY)
    for at in (FRIDAY + timedelta(days=1), FRIDAY - timedelta(days=40)):
        with pytest.raises(Exception, match="30 days"):
            file(company, at=at)


def test_opinions_have_a_ten_day_limit_and_praise_none(company, time_machine):
    time_machine.move_to(FRIDAY)
    opinion = file(company, kind=OPINION, channel="counter", category=None)
    praise = file(company, kind=PRAISE, channel="counter", category=None, credited_employee=company.crew)
    assert Clock.objects.get(order=opinion, name="answer").due_at == FRIDAY + timedelta(days=10)
    assert not Clock.objects.filter(order=praise).exists()


def test_the_limits_are_policy_rows_an_administrator_can_change(company, time_machine):
    time_machine.move_to(FRIDAY)
    SlaPolicy.objects.filter(order_kind="complaint", clock="answer", channel="12345").update(target=120)
    order = file(company, channel="12345", at=FRIDAY)
    assert Clock.objects.get(order=order, name="answer").due_at == FRIDAY + timedelta(hours=120)
