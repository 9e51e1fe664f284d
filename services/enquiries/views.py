"""Enquiries' and the knowledge base's pages.

- The customer's "ask a question" page suggests articles while they type (htmx asks `kb:suggest`); an article
  that answers the question is recorded as self-service and no order is opened. Staff enter enquiries taken
  by phone or at the counter. The order page, the answer and the verdict are the backbone's (services.views).
- The knowledge base (/kb/): search, categories and articles for everyone (internal ones for staff only);
  "this answered my question"; the editors' review list (proposed and overdue articles), writing and editing
  with the version history; the figures for the dashboards.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import ratelimits
from accounts.models import User
from accounts.permissions import is_customer, only_for
from services import textsearch
from services.enquiries import actions, figures
from services.enquiries.forms import ArticleForm, AskForm, HelpfulForm, SearchForm, StaffEnquiryForm
from services.enquiries.models import Article, ArticleStatus
from services.forms import can_enter_orders
from services.views import contact_initial, new_request

PER_PAGE = 20
SUGGESTIONS = 5


# --- Asking ---------------------------------------------------------------------------------------------


@only_for(is_customer)
def ask(request: HttpRequest) -> HttpResponse:
    form = AskForm(request.POST or None, user=request.user, initial=contact_initial(request.user))
    context = {
        "heading": _("Ask a question"),
        "intro": _("Type your question: matching answers from our knowledge base appear as you type."),
    }
    received = _("Your question %(number)s is received. We answer within one working day.")
    return new_request(request, form, actions.file_enquiry, received, "enquiries/ask.html", context)


@only_for(can_enter_orders)
def enter_enquiry(request: HttpRequest) -> HttpResponse:
    form = StaffEnquiryForm(request.POST or None)
    received = _("Enquiry %(number)s is entered.")
    context = {"heading": _("Enter an enquiry"), "kind": "enquiry"}
    return new_request(request, form, actions.file_enquiry, received, "services/enter_order.html", context)


# --- The knowledge base ---------------------------------------------------------------------------------


# Words that make a sentence a question but say nothing of its subject: a customer's question keeps only the rest.
QUESTION_WORDS = frozenset(
    {"怎么", "怎么办", "怎样", "如何", "什么", "为什么", "这么", "那么", "请问", "一下", "是否", "能否", "可以"}
    | {"能不能", "可不可以", "哪些", "哪里", "多少", "多久", "我家", "我想", "想", "问", "吗", "呢", "啊", "有没有"}
)


def subject_of(query: str) -> str:
    """The query without its question words ("怎么申请峰谷电价" → "申请 峰谷 电价")."""
    return " ".join(word for word in textsearch.query_words(query) if word not in QUESTION_WORDS)


def found(user: User, query: str, category: str = "") -> QuerySet[Article]:
    """The articles `user` may read matching the query (ranked) and category; all of them if no query.

    Every word of the query's subject must occur (services.textsearch.search); when no article has them all,
    the articles with its longest word are found instead, so a long question still gets suggestions.
    """
    articles = Article.objects.visible_to(user)
    if category:
        articles = articles.filter(category=category)
    subject = subject_of(query)
    if not subject:
        return articles.order_by("category", "-read_count", "pk")
    matches = textsearch.search(articles, subject)
    if len(subject.split()) > 1 and not matches.exists():
        return textsearch.search(articles, max(subject.split(), key=len))
    return matches


def _excerpts(articles: list[Article], query: str) -> list[Article]:
    for article in articles:
        article.title_marked = textsearch.highlight(article.title, query)
        article.excerpt = textsearch.highlight(excerpt(article.body, query), query)
    return articles


def excerpt(body: str, query: str, width: int = 120) -> str:
    """A piece of the text around the first query word found, else its beginning."""
    words = textsearch.query_words(query)
    at = min((body.find(word) for word in words if word in body), default=0)
    start = max(at - width // 3, 0)
    return ("…" if start else "") + body[start : start + width] + ("…" if start + width < len(body) else "")


def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query, category = ("", "")
    if form.is_valid():
        query, category = form.cleaned_data["q"], form.cleaned_data["category"]
    page = Paginator(found(request.user, query, category).only(*LISTED), PER_PAGE).get_page(request.GET.get("page"))
    _excerpts(page.object_list, query)
    context = {"form": form, "page": page, "query": query, "can_edit": actions.can_edit_kb(request.user)}
    return render(request, "kb/index.html", context)


LISTED = ("title", "body", "category", "is_public", "read_count", "helpful_count", "review_on", "status")


def suggest(request: HttpRequest) -> HttpResponse:
    """The few best articles for what is typed so far (htmx, from the ask page and the order page)."""
    query = (request.GET.get("description") or request.GET.get("q") or "")[:200]
    articles = list(found(request.user, query).only(*LISTED)[:SUGGESTIONS]) if len(query.strip()) >= 2 else []
    context = {"articles": _excerpts(articles, query), "query": query, "for_staff": request.GET.get("staff") == "1"}
    response = render(request, "kb/_suggestions.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def article(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Article.objects.all() if actions.can_edit_kb(request.user) else Article.objects.visible_to(request.user)
    item = visible.filter(pk=pk).first()
    if item is None:
        raise Http404
    read = request.session.get("kb_read", [])
    if item.status == ArticleStatus.PUBLISHED and item.pk not in read:  # a reload is not another reading
        actions.record_read(item, by=request.user)
        request.session["kb_read"] = [*read, item.pk][-200:]
    question = request.GET.get("q", "")[:500]
    context = {
        "article": item,
        "helpful_form": HelpfulForm(initial={"question": question}),
        "body": textsearch.highlight(item.body, question) if question else item.body,
        "versions": item.versions.select_related("edited_by")[:20] if actions.can_edit_kb(request.user) else [],
        "can_edit": actions.can_edit_kb(request.user),
        "thanked": item.pk in request.session.get("kb_helpful", []),
    }
    return render(request, "kb/article.html", context)


@require_POST
def helpful(request: HttpRequest, pk: int) -> HttpResponse:
    """ "This answered my question": counted once per visitor and article (the session remembers it), and at
    most RATE_LIMITS["kb_feedback"] times a window from one address (a script cannot inflate the figures)."""
    item = Article.objects.visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    done = request.session.get("kb_helpful", [])
    form = HelpfulForm(request.POST)
    address = ratelimits.client_address(request)
    if item.pk not in done and form.is_valid() and not ratelimits.is_limited("kb_feedback", address):
        ratelimits.hit("kb_feedback", address)
        actions.record_self_service(item, by=request.user, question=form.cleaned_data["question"])
        request.session["kb_helpful"] = [*done, item.pk][-100:]
    messages.success(request, _("Thank you. We are glad the knowledge base answered your question."))
    return redirect("kb:article", pk=pk)


# --- Editors --------------------------------------------------------------------------------------------


@only_for(actions.can_edit_kb)
def review(request: HttpRequest) -> HttpResponse:
    """Proposed articles waiting for an editor, and published ones past their review date."""
    proposed = Article.objects.filter(status__in=[ArticleStatus.PROPOSED, ArticleStatus.DRAFT]).select_related(
        "proposed_by", "source_order"
    )
    overdue = Article.objects.due_for_review().order_by("review_on", "pk")
    context = {
        "proposed": Paginator(proposed.order_by("pk"), PER_PAGE).get_page(request.GET.get("page")),
        "overdue": overdue[:PER_PAGE],
        "overdue_count": overdue.count(),
    }
    return render(request, "kb/review.html", context)


@only_for(actions.can_edit_kb)
def write(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "note"}
        try:
            item = actions.write_article(by=request.user, **data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The article is saved as a draft."))
            return redirect("kb:article", pk=item.pk)
    return render(request, "kb/edit.html", {"form": form, "heading": _("New article")})


@only_for(actions.can_edit_kb)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = Article.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    fields = ("title", "category", "body", "is_public", "effective_on", "review_on")
    form = ArticleForm(request.POST or None, initial={name: getattr(item, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_article(item, by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The article is changed."))
            return redirect("kb:article", pk=item.pk)
    return render(request, "kb/edit.html", {"form": form, "heading": _("Edit the article"), "article": item})


@require_POST
@only_for(actions.can_edit_kb)
def change_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = Article.objects.filter(pk=pk).first()
    perform = {"publish": actions.publish_article, "retire": actions.retire_article}.get(action)
    if item is None or perform is None:
        raise Http404
    try:
        perform(item, by=request.user)
    except actions.ArticleRefused as refusal:
        messages.error(request, refusal.message)
        response = article(request, pk)
        response.status_code = 409
        return response
    messages.success(request, _("Published.") if action == "publish" else _("Retired."))
    return redirect("kb:article", pk=pk)


@only_for(actions.can_edit_kb)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures the managers' dashboards will read, over the last twelve months."""
    until = timezone.now()
    since = until - timezone.timedelta(days=365)
    context = {
        "by_category": figures.enquiries_by_category(since=since, until=until),
        "self_service": figures.self_service_rate(since=since, until=until),
        "first_contact": figures.first_contact_resolution(since=since, until=until),
        "most_read": figures.most_read(limit=10),
        "read_then_asked": figures.read_then_asked(since=since, until=until, limit=10),
    }
    return render(request, "kb/figures.html", context)
