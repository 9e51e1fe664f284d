"""Enquiries and the knowledge base: asking, answering from an article, the customer's verdict, self-service,
reads, and the articles' life (proposed from an answer, reviewed, published, edited with their versions).

An enquiry's `answer` clock starts at filing from its policy row (1 working day, migration 0002 of this app)
and stops at the answer. An answer the customer finds unhelpful reopens the order and starts the clock again.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ElectricityAccount, Role, User
from services import actions, notifications, routing, sla, textsearch
from services.actions import NewOrder, close_order, tell_customer
from services.enquiries.models import (
    ENQUIRY_KINDS,
    Article,
    ArticleRead,
    ArticleStatus,
    ArticleVersion,
    Enquiry,
    SelfService,
)
from services.models import EventKind, Status, TimelineEvent, WorkOrder

# Who edits the knowledge base: reviews proposals, publishes, edits and retires articles.
KB_EDITORS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})


def can_edit_kb(user: User) -> bool:
    return user.is_authenticated and user.role in KB_EDITORS


# --- The enquiry as an order ----------------------------------------------------------------------------


def file_enquiry(
    *,
    by: User,
    channel: str,
    kind: str,
    category: str,
    description: str,
    account: ElectricityAccount | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> WorkOrder:
    """Open an enquiry (or information query), start its `answer` clock and route it to the 台区's counter."""
    _check_asker(by, kind=kind, account=account, contact_phone=contact_phone)
    new = NewOrder(
        kind=kind,
        channel=channel,
        description=description,
        sub_type=category,
        customer_id=account.customer_id if account else None,
        account_id=account.pk if account else None,
        grid_id=account.grid_id if account else None,
        contact_name=contact_name,
        contact_phone=contact_phone
        or (by.phone if by.is_customer else "")
        or (account.customer.phone if account else ""),
        location=account.address if account else "",
        reported_by=by if by.is_customer else None,
    )
    with transaction.atomic():
        order = actions.open_order(new, by=by)
        Enquiry.objects.create(order=order, category=category)
        sla.start_clock(order, "answer", at=order.opened_at, new=True)
        order = routing.route_order(order, by=by)
        tell_customer(order, template="order_accepted", dedupe=f"order_accepted:{order.pk}")
    return order


def _check_asker(by: User, *, kind: str, account: ElectricityAccount | None, contact_phone: str) -> None:
    if kind not in ENQUIRY_KINDS:
        raise ValidationError(_("Choose what kind of question it is."))
    if account is not None and account.status == AccountStatus.CLOSED:
        raise ValidationError(_("Account %(number)s is closed.") % {"number": account.number})
    if by.is_customer:
        if account is None or account.linked_user_id != by.pk:
            raise ValidationError(_("Choose one of the accounts linked to you."))
    elif not by.is_employee:
        raise ValidationError(_("Only customers and staff can ask a question here."))
    elif account is None and not contact_phone:
        raise ValidationError(_("Without an account, give a contact phone."))


def answer_enquiry(order: WorkOrder, *, by: User, answer: str, article: Article | None = None) -> WorkOrder:
    """Answer the customer (quoting an article if given), stop the `answer` clock and tell them."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        if order.status == Status.ASSIGNED:
            order = actions.change_status(order, Status.IN_PROGRESS, by=by)
        order = actions.change_status(order, Status.RESOLVED, by=by, note=answer, from_statuses=[Status.IN_PROGRESS])
        order.result = answer
        order.save(update_fields=["result"])
        now = timezone.now()
        enquiry = Enquiry.objects.select_for_update().get(pk=order.pk)
        enquiry.first_contact = enquiry.answered_at is None and not _was_transferred(order)
        enquiry.answer, enquiry.quoted_article = answer, article
        enquiry.answered_by, enquiry.answered_at, enquiry.answer_helpful = by, now, None
        enquiry.save()
        sla.stop_clock(order, "answer", at=now)
        tell_customer(
            order,
            template="enquiry_answered",
            context={"note": answer[:300]},
            dedupe=f"answered:{order.pk}:{now.timestamp()}",
        )
    return order


def _was_transferred(order: WorkOrder) -> bool:
    return TimelineEvent.objects.filter(order=order, kind=EventKind.TRANSFERRED).exists()


def answer_helped(order: WorkOrder, *, by: User) -> WorkOrder:
    """The customer's "this answered my question" on the answer: the enquiry is closed."""
    with transaction.atomic():
        order = close_order(order, by=by)
        Enquiry.objects.filter(pk=order.pk).update(answer_helpful=True, rated_at=timezone.now())
    return order


def answer_did_not_help(order: WorkOrder, *, by: User, note: str) -> WorkOrder:
    """The customer says the answer did not help: back to work, the `answer` clock again, the assignee told."""
    if not note.strip():
        raise ValidationError({"note": _("Say what is still unclear.")})
    with transaction.atomic():
        order = actions.change_status(order, Status.IN_PROGRESS, by=by, note=note, from_statuses=[Status.RESOLVED])
        now = timezone.now()
        Enquiry.objects.filter(pk=order.pk).update(answer_helpful=False, rated_at=now, first_contact=False)
        sla.start_clock(order, "answer", at=now)
        notifications.notify(
            order,
            template="customer_message",
            recipients=[order.assigned_to],
            context={"note": note},
            dedupe=f"answer_unhelpful:{order.pk}:{now.timestamp()}",
        )
    return order


# --- Reading and self-service ---------------------------------------------------------------------------


def record_read(article: Article, *, by: User | None) -> None:
    """Count a reading (for the most-read figures, and whether a reader still filed an enquiry)."""
    ArticleRead.objects.create(article=article, reader=by if by and by.is_authenticated else None)
    Article.objects.filter(pk=article.pk).update(read_count=F("read_count") + 1)


def record_self_service(article: Article, *, by: User | None, question: str = "") -> SelfService:
    """ "This answered my question": the enquiry settled by the knowledge base, counted as self-service."""
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(helpful_count=F("helpful_count") + 1)
        return SelfService.objects.create(
            article=article,
            reader=by if by and by.is_authenticated else None,
            question=question.strip()[:500],
            category=article.category,
        )


# --- Articles -------------------------------------------------------------------------------------------


def propose_article(order: WorkOrder, *, by: User, title: str, body: str) -> Article:
    """Propose a new article from a good answer; an editor reviews and publishes it."""
    enquiry = Enquiry.objects.get(pk=order.pk)
    if not enquiry.answer:
        raise ValidationError(_("Only an answered enquiry can become an article."))
    today = timezone.localdate()
    return Article.objects.create(
        title=title,
        body=body,
        category=enquiry.category,
        is_public=True,
        status=ArticleStatus.PROPOSED,
        effective_on=today,
        review_on=today.replace(year=today.year + 1),
        search_text=textsearch.search_terms(title, body),
        source_order=order,
        proposed_by=by,
    )


def write_article(
    *,
    by: User,
    title: str,
    body: str,
    category: str,
    is_public: bool,
    effective_on: date,
    review_on: date,
) -> Article:
    """An editor writes a new article as a draft (version 1 is kept when it is published)."""
    _check_editor(by)
    _check_dates(effective_on, review_on)
    return Article.objects.create(
        title=title, body=body, category=category, is_public=is_public, effective_on=effective_on,
        review_on=review_on, search_text=textsearch.search_terms(title, body), proposed_by=by,
    )  # fmt: skip


def _check_editor(by: User) -> None:
    if not can_edit_kb(by):
        raise PermissionDenied


def _check_dates(effective_on: date, review_on: date) -> None:
    if review_on <= effective_on:
        raise ValidationError({"review_on": _("The review date must be after the effective date.")})


def publish_article(article: Article, *, by: User, note: str = "") -> Article:
    """Publish a proposed or draft article (readers see it from its effective date); its text is kept as a version."""
    _check_editor(by)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status not in (ArticleStatus.PROPOSED, ArticleStatus.DRAFT, ArticleStatus.RETIRED):
            raise ArticleRefused(_("This article is published already."))
        article.status, article.updated_at = ArticleStatus.PUBLISHED, timezone.now()
        article.save(update_fields=["status", "updated_at"])
        _keep_version(article, by=by, note=note or _("Published"))
    return article


def edit_article(
    article: Article,
    *,
    by: User,
    title: str,
    body: str,
    category: str,
    is_public: bool,
    effective_on: date,
    review_on: date,
    note: str,
) -> Article:
    """Change an article: a new version (the earlier text stays in its history), a new review date."""
    _check_editor(by)
    _check_dates(effective_on, review_on)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.title, article.body, article.category, article.is_public = title, body, category, is_public
        article.effective_on, article.review_on, article.updated_at = effective_on, review_on, timezone.now()
        article.search_text = textsearch.search_terms(title, body)
        if article.status == ArticleStatus.PUBLISHED:
            article.version += 1
        article.save()
        if article.status == ArticleStatus.PUBLISHED:
            _keep_version(article, by=by, note=note)
    return article


def retire_article(article: Article, *, by: User) -> Article:
    """Take an article out of the knowledge base (it stays, with its versions, for the record)."""
    _check_editor(by)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status != ArticleStatus.PUBLISHED:
            raise ArticleRefused(_("Only a published article can be retired."))
        article.status, article.updated_at = ArticleStatus.RETIRED, timezone.now()
        article.save(update_fields=["status", "updated_at"])
    return article


def _keep_version(article: Article, *, by: User | None, note: str) -> None:
    ArticleVersion.objects.get_or_create(
        article=article,
        number=article.version,
        defaults={"title": article.title, "body": article.body, "note": note[:200], "edited_by": by},
    )


class ArticleRefused(Exception):
    """A change the article's status does not allow: a 409."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
