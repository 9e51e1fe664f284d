"""Outlets in a real browser, in both languages, at desktop and phone widths: a visitor finds an outlet and
opens its page; a clerk signs in to a counter, issues, calls and serves a ticket; the hall screen shows the
call by itself (its live part polls) with big text."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from outlets.demo import DEMO_HALL
from outlets.models import Counter, Ticket, TicketStatus
from services.sla import WorkingCalendar
from tests.browser import urls
from tests.browser.reference import reload_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.fixture
def hall_hours():
    """10:00 on the latest working day, when every hall is open, ticking on (the live server reads the clock)."""
    day, calendar = timezone.localdate(), WorkingCalendar()
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(10))), tick=True):
        yield


@pytest.fixture
def demo_city(hall_hours) -> None:
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=0, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_finder(open_tab, demo_city, language: str, width: int) -> None:
    visitor = open_tab(language, width)
    visitor.go(urls.url(urls.OUTLET_FINDER))
    visitor.check("01-finder")
    visitor.page.fill("input[name=q]", "淡竹")
    visitor.click("main form[role=search] button[type=submit]")
    first = visitor.page.locator("#outlets .outlet-card h2 a").first
    assert "淡竹" in first.inner_text()  # the point in that township comes first
    visitor.check("02-found")
    visitor.click(f'main a[href="{urls.url(urls.OUTLET, DEMO_HALL)}"]')
    visitor.check("03-outlet")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_counter_calls_and_serves_and_the_board_shows_it(open_tab, demo_city, language: str, width: int) -> None:
    counter = Counter.objects.get(outlet__code=DEMO_HALL, number=1)
    board = open_tab(language, width)
    board.go(urls.url(urls.OUTLET_BOARD, DEMO_HALL))
    board.check("01-board")

    clerk = open_tab(language, width)
    clerk.sign_in(urls.url(urls.LOGIN), "counter", DEMO_PASSWORD)
    clerk.nav(urls.url(urls.COUNTER_DESK))
    clerk.check("02-counters")
    clerk.click(f'form[action="{urls.url(urls.COUNTER_ACT, counter.pk, "sign-in")}"] button')
    clerk.check("03-desk")
    clerk.click(f'form[action="{urls.url(urls.COUNTER_ACT, counter.pk, "issue")}"] button')
    clerk.click(f'form[action="{urls.url(urls.COUNTER_ACT, counter.pk, "call-next")}"] button')
    ticket = Ticket.objects.get(counter=counter, status=TicketStatus.CALLED)
    assert clerk.page.locator("#current-ticket").inner_text() == ticket.code
    clerk.check("04-called")

    # The hall screen picks the call up by itself within its polling interval.
    board.page.locator(".board-number", has_text=ticket.code).wait_for(timeout=10_000)
    board.check("05-board-calling")

    clerk.click(f'form[action="{urls.url(urls.TICKET_ACT, ticket.pk, "start")}"] button')
    clerk.check("06-serving")
    clerk.click(f'form[action="{urls.url(urls.TICKET_ACT, ticket.pk, "finish")}"] button')
    clerk.check("07-done")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.served_by.username == "counter"
