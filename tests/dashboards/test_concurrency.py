"""The beat's refresh, a `rebuild_rollups` and an import's rescoring may run at once: they take turns, so no
figure is counted twice and no score collides with another writer's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashboards import periods, rollups, scorecards
from dashboards.models import DailyFigure, Score
from tests.browser.reference import reload_reference_data
from tests.dashboards.conftest import DAY, closed_order
from tests.threads import run_together


@pytest.mark.django_db(transaction=True)
def test_parallel_rebuilds_and_scorings_write_each_row_once(grid, station, charlie, on_postgresql):
    if not on_postgresql:
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    reload_reference_data()  # a transactional test's flush emptied the migrations' rows (the SLA policies)
    for met in (True, True, False):
        closed_order(grid=grid, department=station, assignee=charlie, met=met, rating=5)
    since, until = DAY.date() - timedelta(days=1), DAY.date() + timedelta(days=2)
    rollups.rebuild(since, until)
    figures, scores = DailyFigure.objects.count(), Score.objects.count()
    assert figures and scores
    month = periods.around("month", DAY.date())
    jobs = [lambda: rollups.rebuild(since, until)] * 3 + [lambda: scorecards.write_scores(month)] * 3
    assert run_together(jobs) == []
    assert (DailyFigure.objects.count(), Score.objects.count()) == (figures, scores)
