"""The whole-process clock counts only the company's time on the working-day calendar: across a pause for
missing documents and the National Day holiday (2026: Oct 1–7 off, Sat Oct 10 worked)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from services.connections import actions
from services.connections.stages import WHOLE_PROCESS
from tests.services.connections.conftest import file_application, pdf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 10, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def test_the_whole_process_limit_moves_on_by_the_working_days_of_the_pause(alice, grid, charlie):
    with time_machine.travel(at(28, month=9), tick=False):
        order = file_application(alice, grid=grid)
    whole = order.clocks.get(name=WHOLE_PROCESS)
    # Five working days after Mon Sep 28: Sep 29, Sep 30, Oct 8, Oct 9 and the worked Saturday Oct 10.
    assert whole.due_at == at(11, hour=0)
    with time_machine.travel(at(29, month=9), tick=False):
        order = actions.review_documents(
            order, by=charlie, verdicts={"identity": ("accepted", ""), "property": ("missing", "No deed")}
        )
    with time_machine.travel(at(9), tick=False):
        actions.supply_documents(order, by=alice, files={"property": pdf()})
    whole.refresh_from_db()
    # Paused Sep 29 10:00 to Oct 9 10:00: 14 h + Sep 30 + Oct 8 + 10 h = three working days, added after
    # Oct 10 (Sun Oct 11 is off): due at the close of Wed Oct 14.
    assert whole.due_at == at(15, hour=0)
    # The acceptance stage (1 working day: the close of Sep 29) had 14 h left when paused: the close of Oct 9.
    assert order.clocks.get(name="stage:acceptance").due_at == at(10, hour=0)


def test_construction_is_the_customers_time(alice, grid, charlie, grace):
    with time_machine.travel(at(14, month=9), tick=False):
        order = file_application(alice, grid=grid)
        actions.review_documents(
            order, by=charlie, verdicts={"identity": ("accepted", ""), "property": ("accepted", "")}
        )
        order = actions.reply_supply_plan(actions.accept_application(order, by=charlie), by=grace, plan=pdf(), note="")
    due_before = order.clocks.get(name=WHOLE_PROCESS).due_at
    with time_machine.travel(at(16, month=10), tick=False):  # a month of building, a holiday in it
        order = actions.report_completion(order, by=alice)
    whole = order.clocks.get(name=WHOLE_PROCESS)
    # Without the pause it would have been breached on Sep 21; the building month did not count.
    assert due_before == at(21, month=9, hour=0)
    assert whole.breached_at is None and whole.due_at > at(16)
