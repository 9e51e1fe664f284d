"""Analysis meetings and the typical-case library in a real browser, both languages, desktop and phone.

`manager` opens the month's analysis meeting (the draft the beat opened) from the menu, reads the figures and
records an improvement action for one of the branch's staff; `counter` opens their study list, reads the case
assigned to them and marks it read with a takeaway. Every page is checked by tests/browser/conftest.py.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from complaints.models import AnalysisMeeting, ImprovementAction, MeetingStatus, StudyRecord
from tests.browser import urls
from tests.browser.reference import reload_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.fixture
def demo_city() -> None:
    """The demo city with a year of complaints, meetings and cases (see tests/browser/test_walk.py)."""
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_manager_records_an_action_and_an_employee_reads_a_case(open_tab, demo_city, language, width) -> None:
    manager = open_tab(language, width)
    manager.sign_in(urls.url(urls.LOGIN), "manager", DEMO_PASSWORD)
    manager.nav(urls.url(urls.MEETINGS))
    manager.check("01-meetings")
    draft = AnalysisMeeting.objects.get(status=MeetingStatus.DRAFT, department__code="TZ-JJ")
    manager.click(f'main a[href="{urls.url(urls.MEETING, draft.pk)}"]')
    manager.check("02-meeting")
    manager.page.locator("summary", has=manager.page.locator("text=" + _record_label(language))).click()
    manager.page.fill("input[name=title]", "对重载台区开展专项排查 / Survey the overloaded 台区")
    manager.choose_first("select[name=owner]")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    manager.page.fill("input[name=due_on]", due)
    manager.click("form[action$='/actions/'] button[type=submit]")
    action = ImprovementAction.objects.get(meeting=draft)
    assert action.due_on.isoformat() == due
    manager.check("03-action-recorded")

    employee = open_tab(language, width)
    employee.sign_in(urls.url(urls.LOGIN), "counter", DEMO_PASSWORD)
    employee.nav(urls.url(urls.MY_STUDY))
    employee.check("04-study-list")
    employee.click("main .list-group a:has(.text-bg-warning)")
    employee.check("05-case")
    employee.page.fill("input[name=takeaway]", "停电告知要多渠道、提前、到户确认 / Tell every home early")
    employee.click("form[action$='/read/'] button[type=submit]")
    assert StudyRecord.objects.filter(employee__username="counter", takeaway__startswith="停电告知").exists()
    employee.check("06-read")


def _record_label(language: str) -> str:
    return "记录整改措施" if language.startswith("zh") else "Record an improvement action"
