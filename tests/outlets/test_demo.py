"""The demo's outlets: a year of tickets with the hall's peaks, numbers unique per outlet and day, and the demo
hall that moves by itself only when the demo setting is on."""

import random
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils import timezone

from accounts.models import ServiceGrid
from outlets import tasks
from outlets.demo import DEMO_HALL
from outlets.models import GridLocation, Outlet, OutletAgent, Ticket, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        call_command("seed_demo", accounts=60, orders=0, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())


def test_the_city_has_halls_points_an_agent_and_located_grids(seeded):
    kinds = dict(Outlet.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"hall": 5, "convenience_point": 5}
    assert OutletAgent.objects.get().user.username == "agent"
    assert GridLocation.objects.count() == ServiceGrid.objects.count() == 50


def test_a_year_of_tickets_peaks_mid_morning_and_numbers_are_unique(seeded):
    per_hour = dict(
        Ticket.objects.annotate(hour=ExtractHour("queued_at")).values_list("hour").annotate(n=Count("pk")).order_by()
    )
    assert per_hour[10] > per_hour[13] and per_hour[15] > per_hour[12]
    codes = Ticket.objects.values("outlet", "day", "code").annotate(n=Count("pk")).filter(n__gt=1)
    assert not codes.exists()
    assert not Ticket.objects.filter(status=TicketStatus.DONE, started_at__isnull=True).exists()


def test_the_demo_hall_moves_only_with_the_setting(seeded, settings):
    settings.OUTLETS_DEMO_HALL = ""
    assert tasks.move_demo_hall() == 0
    settings.OUTLETS_DEMO_HALL = DEMO_HALL
    with time_machine.travel("2026-11-18 22:00:00+08:00", tick=False):  # after hours: it stays open for the demo
        moves = sum(tasks.move_demo_hall() for _ in range(6))
    assert moves > 0
    assert Ticket.objects.filter(outlet__code=DEMO_HALL, day="2026-11-18").exists()


def test_a_demo_clerk_acting_on_a_stale_view_of_its_counter_does_nothing(seeded, settings):
    """Two runs of the task at once (a backlog after a slow start): the second sees no current ticket where the
    first has just called one, and does nothing rather than fail the task."""
    from accounts.models import User
    from outlets import queue
    from outlets.demo import ROBOTS, _robot_step

    settings.OUTLETS_DEMO_HALL = DEMO_HALL
    with time_machine.travel("2026-11-18 22:00:00+08:00", tick=False):
        for _ in range(6):
            tasks.move_demo_hall()
        counter = next(c for c in Outlet.objects.get(code=DEMO_HALL).counters.all() if queue.current_ticket(c))
        clerk = User.objects.get(pk=counter.staffed_by_id)
        assert clerk.username in ROBOTS
        calls = Ticket.objects.filter(counter=counter).count()
        assert _robot_step(counter, clerk, None, timezone.now(), random.Random(1)) == 0
    assert Ticket.objects.filter(counter=counter).count() == calls
