"""A customer reads a bill and pays it through the sandbox gateway, in both languages, at desktop and phone width.

The customer 13800000001 opens 电费账单与缴费 from the accounts menu, picks one of their homes, reads the chart and
the list of bills, opens the last bill (left unpaid by the demo) with its breakdown, pays what is due on the
account's page, confirms on the sandbox gateway's checkout page, and comes back to a confirmed payment and a paid
bill. Every page is checked by Tab.check (conftest.py).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from billing.models import Bill, Payment, PaymentState
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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_customer_reads_a_bill_and_pays_it(open_tab, demo_city, language: str, width: int) -> None:
    bill = Bill.objects.filter(account__linked_user__phone=DEMO_CUSTOMER_PHONE, paid_on__isnull=True).first()
    assert bill is not None
    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    customer.nav(urls.url(urls.BILLS))
    customer.check("01-accounts")
    customer.click(f'main a[href="{urls.url(urls.BILLS_OF_ACCOUNT, bill.account.number)}"]')
    customer.page.locator("canvas[data-bills-chart]").wait_for(state="visible")
    customer.check("02-bills")
    customer.click(f'main a[href="{urls.url(urls.BILL, bill.pk)}"]')
    customer.check("03-bill")
    customer.go(urls.url(urls.BILLS_OF_ACCOUNT, bill.account.number))
    customer.click("main form[action$='/pay/'] button[type=submit]")
    customer.check("04-sandbox")
    customer.click("main button[value=pay]")
    customer.check("05-paid")
    payment = Payment.objects.get(account=bill.account, state=PaymentState.CONFIRMED, started_by__isnull=False)
    assert payment.channel == "web"
    bill.refresh_from_db()
    assert bill.paid_on is not None
