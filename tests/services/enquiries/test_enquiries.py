"""Enquiries and the knowledge base: asking, answering from an article, the verdict, self-service, the articles'
versions and review, search with highlighting, the pages' and API's query counts, the figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from services.enquiries import actions, figures
from services.enquiries.knowledge import load_articles
from services.enquiries.models import (
    ENQUIRY,
    INFORMATION_QUERY,
    Article,
    ArticleStatus,
    Category,
    Enquiry,
)
from services.models import Channel, Clock, Notification, Status

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def kb(db):
    load_articles(effective_on=TODAY - datetime.timedelta(days=30), review_on=TODAY + datetime.timedelta(days=300))
    return Article.objects.all()


def ask(user, text="我想把电价改成峰谷电价，怎么申请？", kind=ENQUIRY):
    return actions.file_enquiry(
        by=user, channel=Channel.WEB, kind=kind, category=Category.BILLING, description=text,
        account=user.linked_accounts.get(),
    )  # fmt: skip


def test_the_data_file_holds_at_least_60_articles_across_every_category(kb):
    assert kb.count() >= 60
    assert set(kb.values_list("category", flat=True)) == set(Category.values)
    assert kb.filter(is_public=False).exists()
    assert load_articles(effective_on=TODAY, review_on=TODAY) == 0  # a second load adds nothing


def test_an_enquiry_goes_to_the_counter_with_a_one_working_day_answer_clock(alice, charlie):
    order = ask(alice)
    assert order.kind == ENQUIRY and order.assigned_to == charlie
    clock = Clock.objects.get(order=order, name="answer")
    assert clock.policy.unit == "working_days" and clock.policy.target == 1


def test_staff_answer_quoting_an_article_and_the_customer_says_it_helped(alice, charlie, kb):
    order = ask(alice)
    article = kb.get(title="如何申请改为峰谷电价？")
    order = actions.answer_enquiry(order, by=charlie, answer="请在电价指南中申请。", article=article)
    enquiry = Enquiry.objects.get(pk=order.pk)
    assert order.status == Status.RESOLVED and enquiry.quoted_article == article and enquiry.first_contact
    assert Notification.objects.filter(recipient=alice, template="enquiry_answered").exists()
    order = actions.answer_helped(order, by=alice)
    assert order.status == Status.CLOSED and Enquiry.objects.get(pk=order.pk).answer_helpful is True


def test_an_unhelpful_answer_reopens_the_enquiry_and_is_no_first_contact_resolution(alice, charlie):
    order = actions.answer_enquiry(ask(alice), by=charlie, answer="见知识库。")
    with pytest.raises(ValidationError):
        actions.answer_did_not_help(order, by=alice, note=" ")
    order = actions.answer_did_not_help(order, by=alice, note="没有说明要多久生效")
    assert order.status == Status.IN_PROGRESS
    order = actions.answer_enquiry(order, by=charlie, answer="下一个抄表周期起执行。")
    assert Enquiry.objects.get(pk=order.pk).first_contact is False


def test_a_customer_asks_only_for_their_own_account(alice, bob):
    with pytest.raises(ValidationError):
        actions.file_enquiry(
            by=alice, channel=Channel.WEB, kind=INFORMATION_QUERY, category=Category.PAYMENT,
            description="余额", account=bob.linked_accounts.get(),
        )  # fmt: skip


def test_the_answer_and_verdict_go_through_the_order_page(client, alice, charlie, kb):
    order = ask(alice)
    client.force_login(charlie)
    url = reverse("services:act", args=[order.number, "answer"])
    response = client.post(url, {"answer-answer": "可以申请。", "answer-article": "999999"})
    assert "No published article has this number." in response.content.decode()
    article = kb.first()
    client.post(url, {"answer-answer": "可以申请。", "answer-article": str(article.pk)})
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    client.force_login(alice)
    response = client.post(reverse("services:step", args=[order.number, "helped"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_staff_propose_an_article_from_a_good_answer_and_an_editor_publishes_it(alice, charlie, mona, client):
    order = actions.answer_enquiry(ask(alice), by=charlie, answer="峰谷电价从下一个抄表周期开始执行。")
    proposal = actions.propose_article(order, by=charlie, title="峰谷电价何时生效", body=order.result)
    assert proposal.status == ArticleStatus.PROPOSED
    assert not Article.objects.visible_to(alice).filter(pk=proposal.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.publish_article(proposal, by=charlie)
    client.force_login(mona)
    assert proposal.title in client.get(reverse("kb:review")).content.decode()
    client.post(reverse("kb:status", args=[proposal.pk, "publish"]))
    proposal.refresh_from_db()
    assert proposal.status == ArticleStatus.PUBLISHED and proposal.versions.count() == 1
    assert client.post(reverse("kb:status", args=[proposal.pk, "publish"])).status_code == 409


def test_editing_keeps_every_version_and_an_overdue_review_is_flagged(mona, kb):
    article = kb.filter(is_public=True).first()
    actions.edit_article(
        article, by=mona, title=article.title, body=article.body + "（已更新）", category=article.category,
        is_public=True, effective_on=TODAY, review_on=TODAY + datetime.timedelta(days=365), note="补充说明",
    )  # fmt: skip
    article.refresh_from_db()
    assert article.version == 2 and list(article.versions.values_list("number", flat=True)) == [2, 1]
    Article.objects.filter(pk=article.pk).update(review_on=timezone.localdate() - datetime.timedelta(days=1))
    assert list(Article.objects.due_for_review()) == [article]


def test_search_ranks_chinese_words_and_highlights_them(client, kb, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("kb:index"), {"q": "峰谷电价"})
    page = response.context["page"]
    assert page.paginator.count >= 2
    assert "峰谷" in page.object_list[0].title
    assert "<mark>峰谷</mark>" in response.content.decode()
    assert all(article.is_public for article in page.object_list)  # internal ones are for staff


def test_staff_find_internal_articles(client, charlie, kb):
    client.force_login(charlie)
    response = client.get(reverse("kb:index"), {"q": "内部 口径"})
    assert any(not article.is_public for article in response.context["page"].object_list)


def test_suggestions_while_typing_and_this_answered_my_question(client, alice, kb, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(5):  # one more when no article has every word (the fallback)
        response = client.get(reverse("kb:suggest"), {"description": "家里停电了怎么办"}, HTTP_HX_REQUEST="true")
    assert len(response.context["articles"]) >= 1
    article = response.context["articles"][0]
    client.get(reverse("kb:article", args=[article.pk]))
    client.post(reverse("kb:helpful", args=[article.pk]), {"question": "家里停电了怎么办"})
    client.post(reverse("kb:helpful", args=[article.pk]), {"question": "家里停电了怎么办"})  # counted once
    article.refresh_from_db()
    assert article.read_count == 1 and article.helpful_count == 1
    now = timezone.now()
    rate = figures.self_service_rate(since=now - datetime.timedelta(days=1), until=now + datetime.timedelta(days=1))
    assert (rate.part, rate.whole) == (1, 1)


def test_the_figures_for_the_dashboards(client, alice, charlie, mona, kb):
    article = kb.filter(is_public=True).first()
    client.force_login(alice)
    client.get(reverse("kb:article", args=[article.pk]))
    order = ask(alice)  # read, yet still asked
    actions.answer_enquiry(order, by=charlie, answer="答复")
    now = timezone.now()
    since, until = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    assert figures.enquiries_by_category(since=since, until=until)[0]["enquiries"] == 1
    assert figures.first_contact_resolution(since=since, until=until).percent == 100
    assert list(figures.read_then_asked(since=since, until=until)) == [article]
    assert list(figures.most_read(limit=1)) == [article]
    client.force_login(mona)
    assert client.get(reverse("kb:figures")).status_code == 200
    client.force_login(charlie)
    assert client.get(reverse("kb:figures")).status_code == 403


def test_the_api_searches_and_reads_articles(client, kb, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("api:kb-article-list"), {"q": "阶梯电价"})
    assert response.status_code == 200 and response.json()["count"] >= 1
    hit = response.json()["results"][0]
    assert "<mark>" in hit["excerpt"] or "<mark>" in hit["title"] or "阶梯" in hit["title"]
    detail = client.get(reverse("api:kb-article-detail", args=[hit["id"]]))
    assert detail.json()["version"] == 1
    internal = kb.filter(is_public=False).first()
    assert client.get(reverse("api:kb-article-detail", args=[internal.pk])).status_code == 404


def test_customers_ask_through_the_api(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("api:enquiry-create"),
        {"kind": "enquiry", "category": "billing", "description": "阶梯怎么算", "account": "3300000001"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 201, response.content


def test_this_answered_my_question_is_limited_per_address(client, kb, settings):
    limit, window = settings.RATE_LIMITS["kb_feedback"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "kb_feedback": (1, window)}
    first, second = kb.filter(is_public=True)[:2]
    client.post(reverse("kb:helpful", args=[first.pk]))
    client.post(reverse("kb:helpful", args=[second.pk]))
    assert Article.objects.get(pk=first.pk).helpful_count == 1
    assert Article.objects.get(pk=second.pk).helpful_count == 0


def test_the_review_page_runs_a_fixed_number_of_queries(
    client, alice, charlie, mona, kb, django_assert_max_num_queries
):
    def propose(n: int) -> None:
        order = actions.answer_enquiry(ask(alice), by=charlie, answer=f"答复{n}")
        actions.propose_article(order, by=charlie, title=f"提议{n}", body="正文")

    propose(0)
    Article.objects.filter(pk=kb.first().pk).update(review_on=TODAY - datetime.timedelta(days=1))
    client.force_login(mona)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("kb:review"))
    for n in range(1, 6):
        propose(n)
    Article.objects.update(review_on=TODAY - datetime.timedelta(days=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("kb:review"))
    assert response.context["proposed"].paginator.count == 6 and response.context["overdue_count"] >= 60


def test_counter_staff_enter_a_callers_enquiry(client, charlie, alice):
    client.force_login(charlie)
    page = client.get(reverse("services:enter-enquiry"))
    data = {
        "channel": "95598", "kind": "information_query", "category": "payment", "account": "3300000001",
        "contact_phone": "13900001111", "description": "上月电费缴了没有？", "submission": page.context["submission"],
    }  # fmt: skip
    response = client.post(reverse("services:enter-enquiry"), data)
    assert response.status_code == 302
    order = Enquiry.objects.get().order
    assert order.kind == INFORMATION_QUERY and order.channel == "95598"
    client.force_login(alice)
    assert client.get(reverse("services:enter-enquiry")).status_code == 403


def test_the_figures_page_reads_the_same_queries_however_many_enquiries(
    client, alice, charlie, mona, kb, django_assert_max_num_queries
):
    actions.answer_enquiry(ask(alice), by=charlie, answer="答复0")
    client.force_login(mona)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("kb:figures")).status_code == 200
    for n in range(1, 8):
        actions.answer_enquiry(ask(alice, text=f"第{n}个问题：电价怎么算？"), by=charlie, answer=f"答复{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("kb:figures")).status_code == 200
