"""An inspector works an inspection order in a real browser, in both languages, at desktop and phone width.

The demo city's plans have opened inspections for `inspector`; they open one's page, answer every checklist item
(pass), save, record a hazard with its rectification notice, complete the inspection from the order page's
action bar, and look at the anomaly flags. Every page is checked by Tab.check (conftest.py).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from services.inspections.models import Inspection, Rectification
from services.models import Status
from tests.browser import urls
from tests.browser.reference import reload_reference_data
from tests.browser.test_complaints import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.fixture
def demo_city() -> None:
    """The small demo city; a transactional test's flush empties the migrations' rows, so they are put back."""
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_inspector_walk(open_tab, demo_city, language: str, width: int) -> None:
    mine = Inspection.objects.filter(order__status=Status.ASSIGNED, order__assigned_to__username="inspector")
    inspection = mine.first()
    number = inspection.order.number
    tab = open_tab(language, width)
    tab.sign_in(urls.url(urls.LOGIN), "inspector", DEMO_PASSWORD)
    tab.go(urls.url(urls.INSPECTION_WORK, number))
    tab.check("01-inspection")
    for item in inspection.checklist.items.all():
        tab.page.locator(f'label[for="id_outcome_{item.pk}_0"]').click()
    tab.click("form#checklist button[type=submit]")
    assert inspection.results.count() == inspection.checklist.items.count()
    tab.check("02-checklist-saved")
    tab.page.select_option("select[name=category]", "hazard")
    tab.page.fill("textarea[name=description]", "表箱锈蚀 / the meter box is rusted")
    tab.page.fill("textarea[name=required_action]", "更换表箱 / replace the meter box")
    tab.page.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=15)).isoformat())
    tab.choose_first("select[name=legal_basis]")
    tab.click("form#finding button[type=submit]")
    assert Rectification.objects.filter(finding__inspection=inspection).exists()
    tab.check("03-finding")
    tab.go(urls.url(urls.ORDER, number))
    act(tab, number, "complete_inspection", {"result": "已下发整改通知书 / notice issued"})
    inspection.order.refresh_from_db()
    assert inspection.order.status == Status.CLOSED
    tab.check("04-completed")
    tab.go(urls.url(urls.INSPECTION_FLAGS))
    tab.check("05-flags")
