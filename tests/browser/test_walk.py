"""The README's demo walk in a real browser, as each role, in both languages, at desktop and phone widths.

The customer 13800000001 reports a fault with a photo and where it is; `repair` accepts it, the customer writes
to the crew and the crew answers, then `repair` sets off, arrives and restores it from the order page's action
bar; the customer follows the progress stepper, confirms the restoration and rates the service through the link
in Messages. Every page on the
way is checked by tests/browser/conftest.py (Tab.check) and saved as a screenshot.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from services.delivery import deliver_notifications
from services.models import Notification, NotificationState, ReturnVisit, Status, WorkOrder
from tests.browser import urls
from tests.browser.reference import reload_reference_data
from tests.services.test_views import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 1920, 390]


@pytest.fixture
def demo_city() -> None:
    """A small demo city from the real seed: the README's logins, the customer's two homes, open orders.

    A transactional test's flush also empties the time-limit policies that migration 0002 loads; a city without
    them would show no deadlines, so they are put back the way the migration does it. The seed's own messages
    (the customer's applications, bills…) are delivered at once, as the demo's worker does within seconds: the
    inbox lists by arrival, and the walk's messages must arrive after them, not in one batch with them.
    """
    reload_reference_data()
    call_command("seed_demo", accounts=60, orders=30, verbosity=0, stdout=StringIO(), stderr=StringIO())
    deliver()


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
    customer.page.fill("input[name=location]", "3号楼东侧表箱 / meter box east of building 3")
    customer.page.set_input_files(
        "input[name=photo]", files=[{"name": "fault.png", "mimeType": "image/png", "buffer": PNG}]
    )
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
    crew.click(f'form[action="{urls.url(urls.ACT, order.number, "accept")}"] button[type=submit]')
    crew.check("08-crew-accept")

    # The customer sees who is coming, and writes to them; the crew answers on the order.
    customer.go(urls.url(urls.ORDER, order.number))
    assert customer.page.locator(".progress-step-current").count() == 1
    customer.page.fill("textarea[name=note]", "门口有狗，请先打电话 / There is a dog, please call first")
    customer.click(f'form[action="{urls.url(urls.STEP, order.number, "message")}"] button[type=submit]')
    customer.check("08a-customer-message")
    assert customer.page.locator("#crew-title").count() == 1  # who is coming, and by when
    crew.go(urls.url(urls.ORDER, order.number))
    crew.toggle('[data-bs-target="#action-comment"]')
    comment = f'form[action="{urls.url(urls.ACT, order.number, "comment")}"]'
    crew.page.locator(f"{comment} textarea").wait_for(state="visible")
    crew.page.fill(f"{comment} textarea", "好的，到了打电话 / Fine, we will call on arrival")
    crew.page.check(f"{comment} input[type=checkbox]")
    crew.click(f"{comment} button[type=submit]")
    crew.check("08b-crew-answer")
    customer.go(urls.url(urls.ORDER, order.number))
    assert customer.page.get_by_text("好的，到了打电话").count() > 0

    for step in ("depart", "arrive"):
        crew.click(f'form[action="{urls.url(urls.ACT, order.number, step)}"] button[type=submit]')
        crew.check(f"08-crew-{step}")
    crew.toggle('[data-bs-target="#action-restore"]')  # the action bar opens the form of a step that asks
    restore = f'form[action="{urls.url(urls.ACT, order.number, "restore")}"]'
    crew.page.locator(f"{restore} [name$=cause]").wait_for(state="visible")
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
