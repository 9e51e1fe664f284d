"""A complaint from filing to answered in a real browser, in both languages, at desktop and phone width.

The customer 13800000001 files a complaint about low voltage on one of their homes; `complaints` sees it in the
account's 90-day history on the intake page, finds it in the complaint queue and takes it through contact,
investigation, analysis (the company at fault) and rectification from the order page's action bar; `kfmanager`,
the complaint centre's head, sees it and verifies it; `complaints` answers; the customer reads the reply on the
request's page and rates it 5 of 5 on the return-visit page. Every page is checked by Tab.check (conftest.py).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from complaints.models import Complaint, ComplaintStatus
from services.models import WorkOrder
from tests.browser import urls
from tests.browser.reference import reload_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.fixture
def demo_city() -> None:
    """The small demo city; a transactional test's flush empties the migrations' rows, so they are put back."""
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


def act(tab, number: str, step: str, fields: dict[str, str]) -> None:
    """Open the step's form in the action bar, fill it, send it."""
    tab.toggle(f'[data-bs-target="#action-{step}"]')
    form = f'form[action="{urls.url(urls.ACT, number, step)}"]'
    for name, value in fields.items():
        field = tab.page.locator(f"{form} [name={step}-{name}]").first
        field.wait_for(state="attached")
        kind = field.evaluate("el => el.tagName + (el.type ? ':' + el.type : '')")
        if kind.startswith("SELECT"):
            tab.page.select_option(f"{form} select[name={step}-{name}]", value)
        elif kind == "INPUT:radio":
            tab.page.locator(f"{form} input[name={step}-{name}][value={value}]").check()
        else:
            field.fill(value)
    tab.click(f"{form} button[type=submit]")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_walk(open_tab, demo_city, language: str, width: int) -> None:
    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    customer.nav(urls.url(urls.FILE_COMPLAINT))
    customer.check("01-file-form")
    customer.choose_first("select[name=account]")
    customer.page.select_option("select[name=category]", "quality_voltage")
    customer.page.fill("textarea[name=description]", "晚上电压低，空调启动不了 / Low voltage at night")
    customer.click("main form button[type=submit]")
    order = WorkOrder.objects.get(number=customer.path().strip("/").rsplit("/", 1)[-1])
    assert order.kind == "complaint" and order.assigned_to.username == "complaints"
    customer.check("02-filed")

    handler = open_tab(language, width)
    handler.sign_in(urls.url(urls.LOGIN), "complaints", DEMO_PASSWORD)
    handler.nav(urls.url(urls.ENTER_COMPLAINT))
    handler.page.fill("#history-account", order.account.number)
    handler.page.click("#history-account + button")  # HTMX fills the panel in place
    handler.page.locator(f'#history a[href="{urls.url(urls.ORDER, order.number)}"]').wait_for()
    handler.check("03-intake-history")
    handler.nav(urls.url(urls.COMPLAINT_QUEUE))
    handler.check("04-queue")
    handler.click(f'main a[href="{urls.url(urls.ORDER, order.number)}"]')
    handler.check("05-complaint-page")
    act(handler, order.number, "contact", {"method": "phone", "agreement": "明日上门检测 / visit tomorrow"})
    act(handler, order.number, "investigate", {"facts": "末端电压 185 V / 185 V at the end of the line"})
    station = str(order.grid.department_id)
    analysis = {
        "root_cause": "grid_capacity",
        "is_company_fault": "yes",
        "responsible_department": station,
        "analysis": "线路过长 / the line is too long",
    }
    act(handler, order.number, "analyse", analysis)
    act(handler, order.number, "rectify", {"rectification": "调整配变分接头 / transformer tap changed"})
    handler.check("06-rectified")

    manager = open_tab(language, width)
    manager.sign_in(urls.url(urls.LOGIN), "kfmanager", DEMO_PASSWORD)
    manager.nav(urls.url(urls.COMPLAINT_WATCH))
    manager.check("07-watch")
    manager.go(urls.url(urls.ORDER, order.number))
    act(manager, order.number, "verify", {"note": "同意 / approved"})
    manager.check("08-verified")

    handler.go(urls.url(urls.ORDER, order.number))
    act(handler, order.number, "answer", {"reply": "已调整分接头，电压恢复正常 / the voltage is normal again"})
    handler.check("09-answered")
    assert WorkOrder.objects.get(pk=order.pk).status == ComplaintStatus.ANSWERED

    customer.go(urls.url(urls.ORDER, order.number))
    assert customer.page.get_by_text("已调整分接头").count() > 0
    customer.check("10-customer-reads-the-reply")
    customer.click(f'main a[href^="{urls.rating_prefix()}"]')  # the return visit: the backbone's rating page
    five = customer.page.get_attribute('input[name=overall][value="5"]', "id")
    customer.page.locator(f"label[for={five}]").click()
    customer.check("11-rating")
    customer.click("main form button[type=submit]")
    customer.check("12-rated")
    complaint = Complaint.objects.get(pk=order.pk)
    assert complaint.is_satisfied and complaint.order.status == ComplaintStatus.VISITED
