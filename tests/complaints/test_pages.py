"""Who may open which complaints page (403 for the others), what each shows, and the menus that lead there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import actions
from services.visits import VisitRefused, record_return_visit
from tests.complaints.conftest import file, walk_to_analysed

PAGES = {
    "complaints:file": {"customer"},
    "complaints:enter": {"handler", "manager", "counter", "crew"},
    "complaints:history": {"handler", "manager"},
    "complaints:queue": {"handler", "manager"},
    "complaints:watch": {"manager"},
}
PEOPLE = ["customer", "handler", "manager", "counter", "crew"]


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("who", PEOPLE)
def test_each_page_is_for_its_roles_only(client, company, url_name, who):
    client.force_login(getattr(company, who))
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if who in PAGES[url_name] else 403)


@pytest.mark.parametrize("url_name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "login" in response.url


def test_the_queue_shows_the_step_clocks_and_badges_major_first(client, company):
    plain = file(company)
    major = file(company, is_major=True, major_reason="injury")
    client.force_login(company.handler)
    html = client.get(reverse("complaints:queue")).content.decode()
    assert html.index(major.number) < html.index(plain.number)
    assert "Major" in html or "重大" in html


def test_the_watch_list_shows_major_and_overdue_only(client, company, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    late = file(company)
    time_machine.move_to(start + timedelta(days=2))
    fresh = file(company)
    major = file(company, is_major=True, major_reason="media")
    client.force_login(company.manager)
    html = client.get(reverse("complaints:watch")).content.decode()
    assert late.number in html and major.number in html and fresh.number not in html


def test_the_complaint_page_offers_only_the_allowed_steps(client, company):
    order = walk_to_analysed(company, file(company))
    order = actions.rectify(order, by=company.handler, rectification="更换配变")
    client.force_login(company.manager)
    html = client.get(reverse("services:order", args=[order.number])).content.decode()
    assert 'action-verify"' in html and 'action-send_back"' in html
    assert 'action-answer"' not in html and 'action-contact"' not in html


def test_the_customer_sees_the_reply_and_rates_it_on_the_progress_page(client, company):
    order = file(company, by=company.customer, channel="web")
    order = walk_to_analysed(company, order, fault=False)
    actions.answer(order, by=company.handler, reply="经核实系客户内部线路问题")
    client.force_login(company.customer)
    page = client.get(reverse("services:order", args=[order.number]))
    assert "经核实系客户内部线路问题" in page.content.decode()
    # The return visit is the backbone's rating page, linked from the progress page and sent with the answer.
    rating = reverse("services:return-visit", args=[page.context["rate_token"]])
    assert order.notifications.filter(template="return_visit_link").exists()
    response = client.post(rating, {"overall": "2", "comment": "仍有问题"})
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "investigated" and order.complaint.reopen_count == 1
    assert (order.return_visit.overall, order.return_visit.comment) == (2, "仍有问题")


def test_a_rating_of_4_or_5_is_the_satisfied_return_visit(client, company):
    order = file(company, by=company.customer, channel="web")
    order = walk_to_analysed(company, order, fault=False)
    actions.answer(order, by=company.handler, reply="经核实系客户内部线路问题")
    client.force_login(company.customer)
    token = client.get(reverse("services:order", args=[order.number])).context["rate_token"]
    assert client.post(reverse("services:return-visit", args=[token]), {"overall": "4"}).status_code == 200
    order.refresh_from_db()
    assert order.status == "visited" and order.complaint.is_satisfied
    # Rated once: the link is spent, and the progress page offers no second rating.
    assert client.get(reverse("services:return-visit", args=[token])).status_code == 410
    assert client.get(reverse("services:order", args=[order.number])).context["rate_token"] is None


@pytest.mark.parametrize(
    ("who", "label"),
    [
        ("handler", "complaints:queue"),
        ("manager", "complaints:watch"),
        ("customer", "complaints:file"),
        ("counter", "complaints:enter"),
    ],
)
def test_the_menus_lead_to_the_pages(client, company, who, label):
    client.force_login(getattr(company, who))
    html = client.get(reverse("portal:home"), follow=True).content.decode()
    assert reverse(label) in html


def test_the_customers_stepper_stands_on_a_step_in_every_status_of_the_loop(client, company):
    from complaints.actions import Finding

    order = file(company, by=company.customer, channel="web")
    client.force_login(company.customer)
    url = reverse("services:order", args=[order.number])
    order = walk_to_analysed(company, order)
    order = actions.rectify(order, by=company.handler, rectification="更换配变")
    order = actions.verify(order, by=company.manager)
    assert client.get(url).content.decode().count("progress-step-current") == 1
    order = actions.answer(order, by=company.handler, reply="已更换")
    order = actions.record_visit(order, by=company.customer, satisfied=True)
    assert client.get(url).content.decode().count("progress-step-current") == 1
    actions.assess(order, by=company.manager, finding=Finding(department=company.station, finding="扣分"))
    assert client.get(url).content.decode().count("progress-step-current") == 1


def test_a_complaint_not_yet_answered_refuses_a_rating_in_the_words_of_its_rule(company):
    order = file(company, by=company.customer, channel="web")
    with pytest.raises(VisitRefused) as refusal:
        record_return_visit(order, by=company.customer, channel="web", overall=5, scores={})
    assert refusal.value.reason == "not_closed" and "once it has been answered" in str(refusal.value.message)
