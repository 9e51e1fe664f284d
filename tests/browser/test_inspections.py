"""An inspector works an inspection order in a real browser, in both languages, at desktop and phone width.

The demo city's plans have opened inspections for `inspector`; they open one's page, answer every checklist item
(pass), save, record a hazard with its rectification notice, complete the inspection from the order page's
action bar, and look at the anomaly flags. The manager of the branch where the demo found suspected theft then
concludes the case. Every page is checked by Tab.check (conftest.py).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from services.inspections.models import Inspection, Rectification, TheftOutcome
from services.inspections.permissions import theft_cases_for
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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_manager_closes_a_theft_case(open_tab, demo_city, language: str, width: int) -> None:
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True).order_by("username")
    manager = next(user for user in managers if theft_cases_for(user).filter(closed_at=None).exists())
    case = theft_cases_for(manager).get(closed_at=None)  # the demo's inspections find one suspected theft
    tab = open_tab(language, width)
    tab.sign_in(urls.url(urls.LOGIN), manager.username, DEMO_PASSWORD)
    tab.go(urls.url(urls.INSPECTION_THEFT_CASES))
    tab.check("06-theft-cases")
    tab.click(f'a[href$="/theft-cases/{case.pk}/"]')
    tab.check("07-theft-case")
    tab.page.locator('label[for="id_outcome_0"]').click()
    tab.page.fill("input[name=recovered_kwh]", "1200")
    tab.page.fill("textarea[name=note]", "表尾接线被短接，现场拍照取证 / the meter was bypassed, photographed on site")
    tab.click("main form button[type=submit]")
    case.refresh_from_db()
    assert case.outcome == TheftOutcome.CONFIRMED and case.recovered_kwh == 1200
    tab.check("08-theft-case-closed")
