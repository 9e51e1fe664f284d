"""The demo: a manager who signs in sees a year of figures against the year's targets."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from dashboards.models import DailyFigure, ExternalFigure, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        call_command("seed_demo", accounts=60, orders=30, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())


def test_the_demo_has_targets_external_figures_and_a_year_of_daily_figures(seeded, client):
    assert Target.objects.filter(year=2026, grid=None, department__parent=None).count() == 8
    assert Target.objects.filter(grid__isnull=False).exists()
    assert ExternalFigure.objects.values("month").distinct().count() == 12
    assert DailyFigure.objects.filter(measure="on_time").exists()
    client.force_login(User.objects.get(username="manager"))
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        page = client.get(reverse("dashboards:dashboard"))
    cards = {card.measure.code: card for card in page.context["cards"]}
    assert cards["on_time"].value is not None and cards["on_time"].target is not None
    assert page.context["accounts"] > 0
