"""The working-day calendar: the national one with its swapped days (调休), and the administrator's exceptions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.models import CalendarException
from services.sla import WorkingCalendar, add_working_days, is_working_day

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 19), False),  # an ordinary Saturday
        (date(2026, 9, 20), True),  # Sunday made a working day for National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday made a working day
        (date(2026, 2, 14), True),  # Saturday made a working day for the Spring Festival
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday made a working day
        (date(2026, 11, 20), True),  # an ordinary Friday
    ],
)
def test_the_national_calendar_of_2026_comes_from_the_holidays_package(day, working):
    assert is_working_day(day) is working


def test_an_administrators_exception_overrides_the_national_calendar():
    CalendarException.objects.create(day=date(2026, 11, 23), is_working_day=False, note="Typhoon")
    CalendarException.objects.create(day=date(2026, 10, 3), is_working_day=True, note="Grid emergency")
    assert not is_working_day(date(2026, 11, 23))
    assert is_working_day(date(2026, 10, 3))


def test_the_acceptance_day_does_not_count_and_the_limit_ends_at_the_midnight_after_the_last_day():
    # Accepted on Monday at 09:00: one working day is Tuesday, which closes at Wednesday 00:00.
    assert add_working_days(local(2026, 11, 16, 9), 1) == local(2026, 11, 18)


def test_a_limit_accepted_late_at_night_still_counts_from_the_next_day():
    assert add_working_days(local(2026, 11, 16, 23, 59), 1) == local(2026, 11, 18)
    assert add_working_days(local(2026, 11, 17, 0, 0), 1) == local(2026, 11, 19)


def test_working_days_skip_the_weekend():
    # Accepted Friday: Monday is the first working day after it, Tuesday the second.
    assert add_working_days(local(2026, 11, 20, 15), 1) == local(2026, 11, 24)
    assert add_working_days(local(2026, 11, 20, 15), 2) == local(2026, 11, 25)


def test_an_order_accepted_on_a_saturday_counts_from_monday():
    assert add_working_days(local(2026, 11, 21, 10), 1) == local(2026, 11, 24)


def test_a_meter_calibration_accepted_before_national_day_is_due_after_the_holiday_and_the_swapped_saturday():
    # Accepted Wed Sep 30: Oct 1–7 off; Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13 → closes Wed 14 00:00.
    assert add_working_days(local(2026, 9, 30, 16), 5) == local(2026, 10, 14)


def test_the_swapped_sunday_before_national_day_is_a_working_day():
    # Accepted Fri Sep 18: Sat 19 is off, Sun 20 is worked.
    assert add_working_days(local(2026, 9, 18, 10), 1) == local(2026, 9, 21)


@pytest.mark.parametrize(
    ("n", "closes"),
    [
        (1, local(2026, 2, 15)),  # Sat Feb 14 is worked
        (2, local(2026, 2, 25)),  # Feb 15–23 off, Tue Feb 24
        (4, local(2026, 2, 27)),
        (6, local(2026, 3, 1)),  # Sat Feb 28 is worked
    ],
)
def test_working_days_across_the_spring_festival_of_2026(n, closes):
    assert add_working_days(local(2026, 2, 13, 11), n) == closes


def test_an_extra_day_off_pushes_a_deadline_and_an_extra_working_day_pulls_it_in():
    CalendarException.objects.create(day=date(2026, 11, 23), is_working_day=False)
    assert add_working_days(local(2026, 11, 20, 15), 1) == local(2026, 11, 25)
    CalendarException.objects.create(day=date(2026, 11, 21), is_working_day=True)
    assert add_working_days(local(2026, 11, 20, 15), 1) == local(2026, 11, 22)


def test_a_long_deadline_reads_the_exceptions_once(django_assert_num_queries):
    CalendarException.objects.create(day=date(2026, 11, 23), is_working_day=False)
    with django_assert_num_queries(1):
        add_working_days(local(2026, 9, 1, 9), 60)


def test_advancing_working_time_steps_over_days_off():
    calendar = WorkingCalendar()
    # Friday 18:00 plus 12 hours of working time: 6 hours on Friday, 6 on Monday.
    assert calendar.advance(local(2026, 11, 20, 18), timedelta(hours=12)) == local(2026, 11, 23, 6)
    assert calendar.advance(local(2026, 9, 30, 12), timedelta(days=1)) == local(2026, 10, 8, 12)


def test_retreating_working_time_steps_over_days_off_and_lands_at_the_start_of_a_working_day():
    calendar = WorkingCalendar()
    assert calendar.retreat(local(2026, 11, 23, 6), timedelta(hours=12)) == local(2026, 11, 20, 18)
    # Exactly one day back from Tuesday 00:00 is the start of Monday, not Saturday's.
    assert calendar.retreat(local(2026, 11, 24), timedelta(days=1)) == local(2026, 11, 23)


def test_working_time_between_two_instants_counts_only_working_days():
    calendar = WorkingCalendar()
    assert calendar.working_time(local(2026, 11, 20, 12), local(2026, 11, 23, 12)) == timedelta(days=1)
    assert calendar.working_time(local(2026, 9, 30, 18), local(2026, 10, 8, 9)) == timedelta(hours=15)
    assert calendar.working_time(local(2026, 10, 2), local(2026, 10, 4)) == timedelta(0)


def test_adding_working_days_agrees_with_advancing_working_time_from_the_next_midnight():
    calendar = WorkingCalendar()
    for n in (1, 3, 5, 6, 22):
        accepted = local(2026, 9, 25, 14)
        assert calendar.add_working_days(accepted, n) == calendar.advance(local(2026, 9, 26), timedelta(days=n))
