"""Pre-sale in a real browser (issue 11), in both languages at desktop and phone width: anyone looks up outage
notices by area; the demo customer types a question, sees the knowledge base's suggestions, opens one and says
it answered the question, then sends another question as an enquiry; anyone works out a year's bills in the
tariff calculator, and the customer opens the guide of their own account."""

import pytest

from accounts.demo import DEMO_CUSTOMER_PHONE, DEMO_PASSWORD
from accounts.models import ElectricityAccount
from services.enquiries.models import ENQUIRY, Article
from services.models import WorkOrder
from services.notices.models import OutageNotice
from tests.browser import urls
from tests.browser.reference import reload_reference_data
from tests.browser.test_walk import demo_city  # noqa: F401 (the README's demo city, as a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def reference_data() -> None:
    """A transactional test's flush empties the rows migrations load: put back the tariffs and the enquiries'
    answer policies the way their migrations do (as demo_city does for the backbone's policies)."""
    reload_reference_data()


LANGUAGES = ["zh-hans", "en"]
WIDTHS = [1280, 390]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_notice_lookup(open_tab, demo_city, language: str, width: int) -> None:  # noqa: F811
    visitor = open_tab(language, width)
    visitor.go(urls.url(urls.HOME))
    visitor.nav(urls.url(urls.NOTICES))
    visitor.check("01-notices")
    live = OutageNotice.objects.live().first()
    area = live.grids.first().name
    visitor.page.fill("input[name=q]", area)
    visitor.click("main form[role=search] button[type=submit]")
    assert visitor.page.locator(f'main a[href="{urls.url(urls.NOTICE, live.pk)}"]').count() == 1
    visitor.check("02-notices-by-area")
    visitor.click(f'main a[href="{urls.url(urls.NOTICE, live.pk)}"]')
    visitor.check("03-notice")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_enquiry_with_knowledge_base_suggestions(open_tab, demo_city, language: str, width: int) -> None:  # noqa: F811
    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    customer.nav(urls.url(urls.ASK))
    customer.check("01-ask")
    customer.page.locator("textarea[name=description]").press_sequentially("怎么申请峰谷电价", delay=30)
    customer.page.locator("#kb-suggestions .kb-suggestions a").first.wait_for(state="visible")
    customer.check("02-suggestions")
    customer.click("#kb-suggestions .kb-suggestions a")
    customer.check("03-article")
    article = Article.objects.get(pk=int(customer.path().strip("/").rsplit("/", 1)[-1]))
    customer.click(f'form[action="{urls.url(urls.KB_HELPFUL, article.pk)}"] button[type=submit]')
    customer.check("04-self-served")
    assert Article.objects.get(pk=article.pk).helpful_count == article.helpful_count + 1

    customer.go(urls.url(urls.ASK))
    customer.page.fill("textarea[name=description]", "我家小区的路灯归谁管？ / Who looks after our street lights?")
    customer.choose_first("select[name=account]")
    before = WorkOrder.objects.filter(kind=ENQUIRY).count()
    customer.click("main form button[type=submit]")
    assert WorkOrder.objects.filter(kind=ENQUIRY).count() == before + 1
    customer.check("05-enquiry-sent")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_tariff_calculator(open_tab, demo_city, language: str, width: int) -> None:  # noqa: F811
    visitor = open_tab(language, width)
    visitor.go(urls.url(urls.HOME))
    visitor.nav(urls.url(urls.TARIFF_CALCULATOR))
    visitor.check("01-calculator")
    visitor.page.fill("input[name=monthly_kwh]", "420")
    visitor.page.fill("input[name=valley_percent]", "40")
    visitor.click("main form button[type=submit]")
    visitor.page.locator("canvas[data-tariff-chart]").wait_for(state="visible")
    assert visitor.page.locator(".tariff-table tbody tr").count() == 12
    visitor.check("02-calculated")

    customer = open_tab(language, width)
    customer.sign_in(urls.url(urls.LOGIN), DEMO_CUSTOMER_PHONE, DEMO_PASSWORD)
    account = ElectricityAccount.objects.filter(linked_user__username=DEMO_CUSTOMER_PHONE).order_by("number").first()
    customer.go(urls.url(urls.TARIFF_ACCOUNT, account.number))
    assert customer.page.locator(".tariff-explanation p").count() >= 2
    customer.check("03-account-guide")
