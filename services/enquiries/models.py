"""Enquiries (咨询), information queries (查询) and the 95598 knowledge base (知识库) they are answered from.

The models live in the `enquiries` app label with their own migrations. An enquiry is a WorkOrder of kind
`enquiry` or `information_query`; what is particular to it (its category, the answer and the article it
quoted, the customer's verdict) is `Enquiry`, one-to-one with the order. Articles keep every version; their
search column holds the jieba-segmented text (services.textsearch).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from services.models.orders import WorkOrder

ENQUIRY = "enquiry"  # 咨询: a question about rules, fees, procedures
INFORMATION_QUERY = "information_query"  # 查询: a question about the customer's own account or request
ENQUIRY_KINDS = (ENQUIRY, INFORMATION_QUERY)


class Category(models.TextChoices):
    NEW_CONNECTION = "new_connection", _("New connection")
    BILLING = "billing", _("Billing and tariffs")
    PAYMENT = "payment", _("Payment")
    OUTAGES = "outages", _("Outages and repair")
    METERS = "meters", _("Meters")
    POLICIES = "policies", _("Policies")


class ArticleStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # from a good answer; waits for an editor
    DRAFT = "draft", _("Draft")  # being written by an editor
    PUBLISHED = "published", _("Published")  # readable (public or internal) from its effective date
    RETIRED = "retired", _("Retired")  # no longer valid; kept for history


class ArticleQuerySet(models.QuerySet["Article"]):
    def live(self, today: date | None = None) -> ArticleQuerySet:
        """Published and in effect today."""
        today = today or timezone.localdate()
        return self.filter(status=ArticleStatus.PUBLISHED, effective_on__lte=today)

    def visible_to(self, user: User) -> ArticleQuerySet:
        """Staff read internal articles too; everyone else the public ones."""
        live = self.live()
        if user.is_authenticated and user.is_employee:
            return live
        return live.filter(is_public=True)

    def due_for_review(self, today: date | None = None) -> ArticleQuerySet:
        """Published articles whose review date has passed: flagged for an editor."""
        return self.filter(status=ArticleStatus.PUBLISHED, review_on__lt=today or timezone.localdate())


class Article(models.Model):
    """One knowledge-base article: its current text; every earlier text is an ArticleVersion."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Unticked: for staff only."))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    effective_on = models.DateField(_("effective from"))
    review_on = models.DateField(_("review by"))
    version = models.PositiveIntegerField(_("version"), default=1)
    read_count = models.PositiveIntegerField(_("times read"), default=0)
    helpful_count = models.PositiveIntegerField(_("answered a question"), default=0)
    # The title and text segmented by jieba (services.textsearch.search_terms), for the ranked search.
    search_text = models.TextField(editable=False, default="")
    # An article proposed from a good answer names the order it came from.
    source_order = models.ForeignKey(
        WorkOrder, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("from order")
    )
    proposed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        ordering = ["category", "title"]
        indexes = [
            models.Index(fields=["status", "category"], name="article_status_category_idx"),
            models.Index(fields=["-read_count"], name="article_most_read_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_review(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.review_on < timezone.localdate()


class ArticleVersion(models.Model):
    """A text an article had: written on each publish and each edit, never changed."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    edited_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    edited_at = models.DateTimeField(_("edited at"), default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="one_row_per_article_version")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleRead(models.Model):
    """One reading of an article (by a signed-in user, or anonymous): the most-read figures and whether its
    readers still filed an enquiry."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="reads")
    reader = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["reader", "read_at"], name="article_read_reader_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.read_at:%Y-%m-%d}"


class SelfService(models.Model):
    """ "This answered my question": an enquiry the knowledge base settled before it became an order."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="self_services")
    reader = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    question = models.CharField(_("question"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    resolved_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("self-service resolution")
        verbose_name_plural = _("self-service resolutions")

    def __str__(self) -> str:
        return f"{self.article_id} {self.resolved_at:%Y-%m-%d}"


class Enquiry(models.Model):
    """What is particular to an enquiry or information query: its category, the answer, the customer's verdict."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="enquiry", verbose_name=_("work order")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    answer = models.TextField(_("answer"), blank=True)
    quoted_article = models.ForeignKey(
        Article, models.SET_NULL, null=True, blank=True, related_name="quoted_in", verbose_name=_("article quoted")
    )
    answered_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Answered by the first person it reached, without a transfer or a second answer (first-contact resolution).
    first_contact = models.BooleanField(_("resolved at first contact"), null=True, blank=True)
    # The customer's verdict on the answer: True helpful, False not, None not yet said.
    answer_helpful = models.BooleanField(_("the answer helped"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [models.Index(fields=["category"], name="enquiry_category_idx")]

    def __str__(self) -> str:
        return str(self.order)

    @property
    def sub_type_label(self) -> str:
        return self.get_category_display()
