"""The kiosk's printable receipt in a real browser: a customer files a fault at a kiosk, and the receipt page
it prints (QR code and all) reads in both languages, on a receipt-printer-narrow phone width and a desktop."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser import urls
from tests.conftest import ALICE_ID_NUMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def receipt_path(kiosk, language: str) -> str:
    """File a fault through the kiosk API, as a kiosk does, and return its receipt's print_url path."""
    client = Client(headers={"Authorization": f"Kiosk {kiosk.key}", "Accept-Language": language})
    proof = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    token = client.post(urls.url(urls.KIOSK_SESSIONS), proof, content_type="application/json").json()["token"]
    body = {"account": "3300000001", "description": "家里停电", "fields": {"fault_type": "no_power_home"}}
    answer = client.post(
        urls.url(urls.KIOSK_FILE, "fault_repair"),
        body,
        content_type="application/json",
        headers={"X-Kiosk-Session": token, "Idempotency-Key": f"browser-{language}"},
    )
    assert answer.status_code == 201, answer.content
    return urlsplit(answer.json()["receipt"]["print_url"]).path


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kiosk_receipt_prints_with_its_qr_code(open_tab, kiosk, alice, language) -> None:
    path = receipt_path(kiosk, language)
    for width in (390, 1280):
        tab = open_tab(language, width)
        tab.go(path)
        assert tab.page.locator("main svg").count() == 1
        tab.check(f"receipt-{width}")
