"""The API's root and its documentation pages in a real browser: they answer, and load nothing from outside
(halls and intranets are often offline), in the browser as in tests/portal/test_schema.py."""

import pytest

from tests.browser import urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_api_root_and_docs_load_only_from_the_portal(open_tab, django_user_model) -> None:
    django_user_model.objects.create_user("kiosk-admin", password="correct horse battery")
    tab = open_tab("en", 1280)
    tab.sign_in(urls.url(urls.LOGIN), "kiosk-admin", "correct horse battery")
    tab.go(urls.url(urls.API_ROOT))
    assert tab.page.locator(f'a[href$="{urls.url(urls.API_WORK_ORDERS)}"]').count()
    tab.check("api-root")
    tab.go(urls.url(urls.API_DOCS))
    tab.page.locator(".swagger-ui .opblock").first.wait_for()
    tab.check("api-docs", codes_allowed=True)
    tab.go(urls.url(urls.API_REDOC))
    tab.page.locator(".api-content").first.wait_for()
    tab.check("api-redoc", codes_allowed=True)
