"""Filing: by customers (their own accounts and orders only) and staff, repeats, major complaints, praise, the
confidentiality of a report of misconduct, idempotency and the throttle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import actions
from complaints.actions import Filing, FilingLimited
from complaints.models import COMPLAINT, MISCONDUCT_REPORT, PRAISE, Complaint, Reporter
from services.models import Notification, TimelineEvent, WorkOrder
from tests.complaints.conftest import category, file
from tests.factories import ElectricityAccountFactory, UserFactory, WorkOrderFactory


def test_a_complaint_on_the_same_account_and_category_within_30_days_is_a_repeat(company, time_machine):
    start = timezone.now()
    first = file(company, category=category("quality_voltage"))
    time_machine.move_to(start + timedelta(days=20))
    second = file(company, category=category("quality_frequent_outage"))  # same category, another sub-category
    other = file(company, category=category("service_attitude"))
    time_machine.move_to(start + timedelta(days=55))
    late = file(company, category=category("quality_voltage"))  # 35 days after the second
    repeats = dict(Complaint.objects.values_list("order_id", "is_repeat"))
    assert repeats == {first.pk: False, second.pk: True, other.pk: False, late.pk: False}
    assert Complaint.objects.get(pk=second.pk).repeat_of_id == first.pk


def test_a_major_complaint_goes_to_the_managers_and_leadership_at_once_and_first_in_the_queue(company):
    ordinary = file(company)
    major = file(company, is_major=True, major_reason="injury")
    recipients = set(Notification.objects.filter(template="major_complaint").values_list("recipient", flat=True))
    assert recipients == {company.manager.pk, company.leader.pk}
    from complaints import queries

    queue = list(queries.handler_queue(company.handler, timezone.now()).values_list("order_id", flat=True))
    assert queue[0] == major.pk and ordinary.pk in queue


def test_praise_is_credited_to_the_named_employee_and_their_department(company):
    order = file(company, kind=PRAISE, category=None, credited_employee=company.crew)
    complaint = Complaint.objects.get(pk=order.pk)
    assert (complaint.credited_employee, complaint.credited_department) == (company.crew, company.station)


def test_praise_names_someone(company):
    with pytest.raises(actions.ValidationError):
        file(company, kind=PRAISE, category=None)


def test_a_customer_files_only_on_their_own_account_and_about_their_own_orders(company):
    stranger = ElectricityAccountFactory()
    with pytest.raises(actions.ValidationError):
        file(company, by=company.customer, channel="web", account=stranger)
    theirs = WorkOrderFactory(account=stranger)
    with pytest.raises(actions.ValidationError):
        file(company, by=company.customer, channel="web", about_order=theirs)
    mine = WorkOrderFactory(account=company.account, kind="fault_repair", sub_type="voltage")
    order = file(company, by=company.customer, channel="web", about_order=mine)
    assert Complaint.objects.get(pk=order.pk).about_order == mine


def test_a_customer_is_throttled_after_the_days_allowance(company, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaint_filing": (2, timedelta(days=1))}
    file(company, by=company.customer, channel="web")
    file(company, by=company.customer, channel="web")
    with pytest.raises(FilingLimited):
        file(company, by=company.customer, channel="web")


# --- A report of misconduct is confidential -------------------------------------------------------------------


@pytest.fixture
def report(company):
    filing = Filing(kind=MISCONDUCT_REPORT, channel="web", description="抄表员私收费用", account=company.account)
    return actions.file_complaint(by=company.customer, filing=filing)


def test_the_report_names_nobody_on_the_order_or_its_timeline(company, report):
    assert (report.reported_by, report.created_by, report.account, report.customer) == (None, None, None, None)
    assert (report.contact_name, report.contact_phone) == ("", "")
    assert not TimelineEvent.objects.filter(order=report, actor=company.customer).exists()
    reporter = Reporter.objects.get(pk=report.pk)
    assert (reporter.user, reporter.account_number) == (company.customer, company.account.number)
    assert not Notification.objects.filter(order=report, recipient=company.customer).exists()


@pytest.mark.parametrize(("who", "sees"), [("handler", True), ("manager", True), ("counter", False), ("crew", False)])
def test_only_handlers_and_managers_see_who_filed_a_report(client, company, report, who, sees):
    client.force_login(getattr(company, who))
    page = client.get(reverse("services:order", args=[report.number])).content.decode()
    api = client.get(reverse("api:complaint-detail", args=[report.number])).json()
    assert (company.account.number in page) is sees
    assert (api["reporter"] is not None) is sees
    backbone = client.get(reverse("api:work-order-detail", args=[report.number])).content.decode()
    assert company.account.number not in backbone and company.customer.phone not in backbone


def test_the_admin_does_not_show_who_filed_a_report(admin_client, company, report):
    page = admin_client.get(reverse("admin:services_workorder_change", args=[report.pk])).content.decode()
    assert company.account.number not in page and company.customer.phone not in page


def test_the_reporter_follows_their_report_on_its_own_page_and_nobody_else_can(client, company, report):
    client.force_login(company.customer)
    assert client.get(reverse("complaints:report", args=[report.number])).status_code == 200
    assert client.get(reverse("services:order", args=[report.number])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("complaints:report", args=[report.number])).status_code == 404


# --- Pages and API ------------------------------------------------------------------------------------------


def test_the_customer_files_on_the_page_once_per_form(client, company):
    client.force_login(company.customer)
    data = {
        "kind": COMPLAINT,
        "account": company.account.number,
        "category": "quality_voltage",
        "description": "晚上电压低",
        "contact_phone": "13900000001",
        "submission": "a" * 32,
    }
    first = client.post(reverse("complaints:file"), data)
    second = client.post(reverse("complaints:file"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert WorkOrder.objects.filter(kind=COMPLAINT).count() == 1


def test_staff_enter_a_complaint_with_its_channel_and_receipt_time(client, company):
    client.force_login(company.handler)
    received = timezone.localtime() - timedelta(days=2)
    data = {
        "kind": COMPLAINT,
        "channel": "12398",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "account": company.account.number,
        "category": "business_tariff",
        "contact_phone": "13900000001",
        "description": "电费异常",
        "submission": "b" * 32,
    }
    assert client.post(reverse("complaints:enter"), data).status_code == 302
    complaint = Complaint.objects.select_related("order").get()
    assert complaint.order.channel == "12398"
    assert abs(complaint.received_at - received.replace(second=0, microsecond=0)) < timedelta(minutes=1)


def test_the_api_files_once_per_idempotency_key(client, company):
    client.force_login(company.customer)
    body = {
        "kind": COMPLAINT,
        "account": company.account.number,
        "category": "quality_voltage",
        "description": "电压低",
    }
    url = reverse("api:complaint-list")
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert Complaint.objects.count() == 1


def test_the_api_throttles_a_customer(client, company, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaint_filing": (1, timedelta(days=1))}
    client.force_login(company.customer)
    body = {"kind": "opinion", "description": "希望周末营业"}
    url = reverse("api:complaint-list")
    assert client.post(url, body, content_type="application/json").status_code == 201
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 429 and "Retry-After" in response


def test_the_api_refuses_a_complaint_without_a_category(client, company):
    client.force_login(company.customer)
    body = {"kind": COMPLAINT, "account": company.account.number, "description": "x"}
    response = client.post(reverse("api:complaint-list"), body, content_type="application/json")
    assert response.status_code == 400 and "category" in response.json()


def test_intake_shows_the_accounts_requests_of_the_last_90_days(client, company, time_machine):
    start = timezone.now()
    old = file(company)
    time_machine.move_to(start + timedelta(days=100))
    recent = file(company)
    client.force_login(company.handler)
    page = client.get(reverse("complaints:history"), {"account": company.account.number}).content.decode()
    assert recent.number in page and old.number not in page
    api = client.get(reverse("api:complaint-history"), {"account": company.account.number}).json()
    assert [row["number"] for row in api] == [recent.number]
    client.force_login(company.counter)
    assert client.get(reverse("complaints:history"), {"account": company.account.number}).status_code == 403


def test_the_entry_page_offers_the_90_day_history_to_handlers_only(client, company):
    client.force_login(company.handler)
    page = client.get(reverse("complaints:enter")).content.decode()
    assert f'hx-get="{reverse("complaints:history")}"' in page
    client.force_login(company.counter)
    page = client.get(reverse("complaints:enter"))
    assert page.status_code == 200 and reverse("complaints:history") not in page.content.decode()
