"""The measures billing, in-sale and inspections register (their dashboard_measures.py), on the demo city.

Each rolled-up figure is checked against the same figure read in place from its own app's tables.
"""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from billing.figures import fee_recovery
from billing.models import Bill
from dashboards import registry, rollups
from dashboards.models import DailyFigure, Grain, Level
from services.connections.stages import WHOLE_PROCESS
from services.inspections.models import Rectification
from services.models import Clock

pytestmark = pytest.mark.django_db
NOW = "2026-11-18 10:00:00+08:00"


@pytest.fixture
def city():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", accounts=60, orders=30, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
        rollups.rebuild(date(2025, 11, 1), date(2026, 11, 19))


def _sum(measure: str, **filters: object) -> tuple[Decimal, Decimal]:
    rows = DailyFigure.objects.filter(measure=measure, grain=Grain.DAY, **filters)
    if "level" not in filters:
        rows = rows.exclude(level=Level.SUBTREE)  # a unit's own rows, not the ones summed up its tree
    totals = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return totals["n"] or Decimal(0), totals["d"] or Decimal(0)


def test_the_three_apps_measures_are_registered():
    codes = {"fee_recovery", "connection_whole_process", "connection_days", "rectifications_closed"}
    assert codes <= set(registry.MEASURES)


def test_fee_recovery_per_grid_is_billings_own_figure(city):
    month = Bill.objects.order_by("-period").values_list("period", flat=True).first() - timedelta(days=62)
    month = month.replace(day=1)
    recovery = fee_recovery(month)
    assert recovery
    due = Bill.objects.filter(period=month).values_list("due_on", flat=True)
    for grid_id, figure in recovery.items():
        rolled = _sum("fee_recovery", level=Level.GRID, grid_id=grid_id, day__gte=min(due), day__lte=max(due))
        assert rolled == (figure.collected, figure.billed)


def test_whole_process_and_rectifications_count_what_their_apps_hold(city):
    stopped = Clock.objects.filter(name=WHOLE_PROCESS, state__in=["met", "breached"])
    assert stopped.exists()
    assert _sum("connection_whole_process", level=Level.DEPARTMENT)[1] == stopped.count()
    assert _sum("connection_whole_process", level=Level.DEPARTMENT)[0] == stopped.filter(state="met").count()
    due = Rectification.objects.filter(due_on__lte=date(2026, 11, 18))
    assert due.exists()
    assert _sum("rectifications_closed", level=Level.DEPARTMENT)[1] == due.count()
