"""The README's demo walk in a real browser, as each role, in both languages, at desktop and phone widths.

The customer 13800000001 reports a fault; `repair` accepts, sets off, arrives and restores it on the order page;
the customer confirms the restoration and rates the service through the link in Messages. Every page on the
way is checked by tests/browser/conftest.py (Tab.check) and saved as a screenshot.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from services.delivery import deliver_notifications
from services.models import Notification, NotificationState, ReturnVisit, Status, WorkOrder
from tests.browser import urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 1920, 390]


@pytest.fixture
def demo_city() -> None:
    """A small demo city from the real seed: the README's logins, the customer's two homes, open orders."""
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())


def deliver() -> None:
    """What the Celery worker does in the demo: deliver the queued messages (into the inboxes, among others)."""
    pending = Notification.objects.filter(state=NotificationState.PENDING)
    deliver_notifications(list(pending.values_list("pk", flat=True)))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_walk(open_tab, demo_city, language: str, width: int) -> None:
    visitor = open_tab(language, width)
    visitor.go(urls.url(urls.HOME))
    visitor.check("01-landing")

    # The customer reports a fault and sees its progress.
    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    customer.check("02-customer-home")
    customer.nav(urls.url(urls.REPORT_FAULT))
    customer.check("03-report-form")
    customer.choose_first("select[name=account]")
    customer.page.fill("textarea[name=description]", "楼道和家里都没电了 / No power in the flat")
    customer.click("main form button[type=submit]")
    order = WorkOrder.objects.get(number=customer.path().strip("/").rsplit("/", 1)[-1])
    assert order.assigned_to.username == "repair"
    customer.check("04-reported")
    customer.nav(urls.url(urls.MY_REQUESTS))
    assert customer.page.locator(f'main a[href="{urls.url(urls.ORDER, order.number)}"]').first.is_visible()
    customer.check("05-my-requests")

    # The crew works it from their queue.
    crew = open_tab(language, width)
    crew.sign_in(urls.url(urls.LOGIN), "repair", DEMO_PASSWORD)
    crew.nav(urls.url(urls.MY_QUEUE))
    crew.check("06-crew-queue")
    crew.click(f'main a[href="{urls.url(urls.ORDER, order.number)}"]')
    crew.check("07-crew-order")
    for step in ("accept", "depart", "arrive"):
        crew.click(f'form[action="{urls.url(urls.ACT, order.number, step)}"] button[type=submit]')
        crew.check(f"08-crew-{step}")
    restore = f'form[action="{urls.url(urls.ACT, order.number, "restore")}"]'
    crew.page.fill(f"{restore} [name$=cause]", "表箱进线端子烧蚀 / burnt terminal in the meter box")
    crew.click(f"{restore} button[type=submit]")
    crew.check("09-crew-restored")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.RESOLVED
    crew.nav(urls.url(urls.DISPATCH))
    crew.check("10-dispatch")

    # The customer reads the news in Messages, confirms, and rates through the link there.
    deliver()
    customer.nav(urls.url(urls.INBOX))
    assert customer.page.locator("main .unread").count() > 0  # the new ones stand out ...
    customer.check("11-inbox")
    customer.page.reload()
    assert customer.page.locator("main .unread").count() == 0  # ... and are read once seen
    customer.click(f'main a[href="{urls.url(urls.ORDER, order.number)}"]')
    customer.check("12-progress-restored")
    customer.click(f'form[action="{urls.url(urls.STEP, order.number, "confirm")}"] button[type=submit]')
    customer.check("13-confirmed")
    deliver()
    customer.nav(urls.url(urls.INBOX))
    customer.click(f'main a[href^="{urls.rating_prefix()}"]')
    customer.check("14-rating-form")
    four = customer.page.get_attribute('input[name=overall][value="4"]', "id")
    customer.page.locator(f"label[for={four}]").click()
    assert customer.page.locator(f"#{four}").is_checked()
    customer.check("15-rating-chosen")
    customer.click("main form button[type=submit]")
    customer.check("16-thank-you")
    customer.click(f'main a[href="{urls.url(urls.MY_REQUESTS)}"]')
    assert customer.path() == urls.url(urls.MY_REQUESTS)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED
    assert ReturnVisit.objects.get(order=order).overall == 4

    crew.go(urls.url(urls.ORDER, order.number))
    crew.check("17-crew-timeline")
