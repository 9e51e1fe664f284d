"""Complaints, opinions and suggestions filed at a self-service kiosk, as the web files them (channel kiosk)."""

from django.urls import reverse

from complaints.models import COMPLAINT, MISCONDUCT_REPORT, OPINION, PRAISE, ComplaintCategory
from services.models import Channel, WorkOrder
from tests.outlets.test_kiosk_api import as_kiosk, prove


def file(kiosk, token: str, kind: str, fields: dict, key: str = "tap-1"):
    body = {"account": "3300000001", "description": "抄表员态度很差", "fields": fields}
    return as_kiosk(kiosk, token).post(
        reverse("api:kiosk-file", args=[kind]), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_kiosk_offers_complaints_opinions_and_suggestions_but_not_reports_or_praise(kiosk, alice):
    kinds = {row["code"]: row for row in as_kiosk(kiosk, prove(kiosk)).get(reverse("api:kiosk-filing-kinds")).json()}
    assert {COMPLAINT, OPINION, "suggestion"} <= set(kinds) and not {MISCONDUCT_REPORT, PRAISE} & set(kinds)
    category = ComplaintCategory.objects.filter(parent__isnull=False).first()
    assert kinds[COMPLAINT]["fields"][0]["name"] == "category"
    assert category.code in kinds[COMPLAINT]["fields"][0]["choices"]
    assert kinds[OPINION]["fields"] == []


def test_a_complaint_filed_at_a_kiosk_is_the_customers_with_its_category_once_per_tap(kiosk, alice):
    token = prove(kiosk)
    category = ComplaintCategory.objects.filter(parent__isnull=False).first()
    first = file(kiosk, token, COMPLAINT, {"category": category.code})
    again = file(kiosk, token, COMPLAINT, {"category": category.code})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    order = WorkOrder.objects.get()
    assert (order.kind, order.channel, order.account.number) == (COMPLAINT, Channel.KIOSK, "3300000001")
    assert order.complaint.category == category
    assert order in WorkOrder.objects.visible_to(alice)


def test_a_complaint_at_a_kiosk_needs_a_category_and_files_nothing_without(kiosk, alice):
    response = file(kiosk, prove(kiosk), COMPLAINT, {})
    assert response.status_code == 400 and "category" in response.json()["fields"]
    response = file(kiosk, prove(kiosk), COMPLAINT, {"category": "no-such-thing"}, key="tap-2")
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()
