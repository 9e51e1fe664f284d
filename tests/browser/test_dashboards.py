"""The manager's dashboard in a real browser, in both languages, at desktop and phone width: `manager` opens
it from the user menu on a year of the demo city, picks a month, drills down to a station, opens its monthly
report and downloads it as a PDF, reads the scorecards and the targets; `grid` reads their own scorecard. Every
page is checked by Tab.check (conftest.py)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from tests.browser import urls
from tests.browser.reference import reload_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.fixture
def demo_city() -> None:
    """The small demo city (with its dashboards' targets and daily figures, seeded by seed_demo)."""
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


def from_user_menu(tab, path: str) -> None:
    """Open the user menu (on a phone, once the collapsed bar has finished opening) and follow its link."""
    page = tab.page
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show:not(.collapsing)").wait_for(state="visible")
    link = page.locator(f'header a[href="{path}"]').first
    link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/*[@data-bs-toggle='dropdown']").click()
    link.wait_for(state="visible")
    tab.click(f'header a[href="{path}"]')


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_walk(open_tab, demo_city, language: str, width: int) -> None:
    manager = open_tab(language, width)
    manager.sign_in(urls.url(urls.LOGIN), "manager", DEMO_PASSWORD)
    from_user_menu(manager, urls.url(urls.DASHBOARD))
    manager.check("01-dashboard-year")
    assert manager.page.locator("canvas[data-dashboard-chart]").count() > 3
    manager.page.select_option("select[name=period]", "month")
    manager.click("main form button[type=submit]")
    manager.check("02-dashboard-month")
    manager.click("#units tbody th a")
    assert "unit=" in manager.page.url
    manager.check("03-station")
    sparkline = manager.page.locator("svg[aria-labelledby^=spark-]").first
    assert (
        sparkline.locator("text").count()
        == manager.page.locator(".visually-hidden table").first.locator("tbody tr").count()
        > 0
    )  # a month label under each point, and each month in the screen reader's table
    manager.click(f'main a[href^="{urls.url(urls.MONTHLY_REPORT)}"]')
    manager.check("03-report")
    with manager.page.expect_download() as download:
        manager.page.locator("main a[href*='format=pdf']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    from_user_menu(manager, urls.url(urls.SCORECARDS))
    manager.check("04-scorecards")
    from_user_menu(manager, urls.url(urls.TARGETS))
    manager.check("05-targets")

    grid = open_tab(language, width)
    grid.sign_in(urls.url(urls.LOGIN), "grid", DEMO_PASSWORD)
    from_user_menu(grid, urls.url(urls.MY_SCORECARD))
    grid.check("06-my-scorecard")
