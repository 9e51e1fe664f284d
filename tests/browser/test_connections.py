"""A new connection in a real browser, in both languages, at desktop and phone width: the customer 13800000001
files a low-voltage residential application with their identity and property proofs; the grid manager it is
routed to checks the documents and marks the property proof missing; the customer sees the one-time notice
(一次性告知) on the application's page, with every stage, who works it and its due date, and uploads the proof.
And at the counter: `counter` enters a customer's paper application from the staff menu, with the scanned
identity proof. Every page is checked by Tab.check (conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from accounts.models import User
from services.connections.models import Stage
from services.models import Channel, Status, WorkOrder
from tests.browser import urls
from tests.browser.reference import reload_reference_data
from tests.browser.test_complaints import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]
PDF = {"name": "proof.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * 64}


@pytest.fixture
def demo_city() -> None:
    """The small demo city; a transactional test's flush empties the migrations' rows, so they are put back."""
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_new_connection_with_the_one_time_notice(open_tab, demo_city, language: str, width: int) -> None:
    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    customer.nav(urls.url(urls.APPLY_CONNECTION))
    customer.check("01-apply-form")
    home = User.objects.get(username=DEMO_CUSTOMER_PHONE).linked_accounts.order_by("number").first()
    page = customer.page
    page.select_option("select[name=connection_type]", "lv_residential")
    page.select_option("select[name=grid]", str(home.grid_id))
    page.fill("input[name=location]", "新建住宅 1 幢 / New house 1")
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=capacity_kva]", "8")
    page.set_input_files("input[name=document_identity]", PDF)
    page.set_input_files("input[name=document_property]", PDF)
    customer.click("main form button[type=submit]")
    order = WorkOrder.objects.get(number=customer.path().strip("/").rsplit("/", 1)[-1])
    assert order.status == Stage.ACCEPTANCE and order.attachments.count() == 2
    customer.check("02-filed")

    reviewer = open_tab(language, width)
    reviewer.sign_in(urls.url(urls.LOGIN), order.assigned_to.username, DEMO_PASSWORD)
    reviewer.go(urls.url(urls.ORDER, order.number))
    reviewer.check("03-order-page")
    act(
        reviewer,
        order.number,
        "review_documents",
        {
            "verdict_identity": "accepted",
            "verdict_property": "missing",
            "reason_property": "缺产权人同意书 / owner's consent",
        },
    )
    reviewer.check("04-documents-checked")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.WAITING_CUSTOMER

    customer.go(urls.url(urls.ORDER, order.number))
    notice = customer.page.locator("#one-time-notice")
    assert notice.is_visible() and "owner's consent" in notice.inner_text()
    customer.check("05-one-time-notice")
    customer.click(f'#one-time-notice a[href="{urls.url(urls.SUPPLY_DOCUMENTS, order.number)}"]')
    customer.check("06-upload-form")
    customer.page.set_input_files("input[name=property]", PDF)
    customer.click("main form button[type=submit]")
    assert WorkOrder.objects.get(pk=order.pk).status == Stage.ACCEPTANCE
    customer.check("07-supplied")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_clerk_enters_a_paper_application_at_the_counter(open_tab, demo_city, language: str, width: int) -> None:
    clerk = open_tab(language, width)
    clerk.sign_in(urls.url(urls.LOGIN), "counter", DEMO_PASSWORD)
    clerk.nav(urls.url(urls.ENTER_CONNECTION))
    clerk.check("01-counter-form")
    page = clerk.page
    page.select_option("select[name=connection_type]", "lv_residential")
    clerk.choose_first("select[name=grid]")  # the 台区 of the clerk's own station
    page.fill("input[name=location]", "新建住宅 2 幢 / New house 2")
    page.fill("input[name=applicant_name]", "李大伟")
    page.fill("input[name=capacity_kva]", "8")
    page.fill("input[name=contact_phone]", "13900000077")
    page.set_input_files("input[name=document_identity]", PDF)
    clerk.click("main form button[type=submit]")
    order = WorkOrder.objects.get(number=clerk.path().strip("/").rsplit("/", 1)[-1])
    assert order.channel == Channel.COUNTER and order.created_by.username == "counter"
    assert order.status == Stage.ACCEPTANCE and order.attachments.count() == 1
    clerk.check("02-entered")
