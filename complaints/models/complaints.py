"""A complaint (投诉) and its sister kinds as work orders: the particulars, categories, root causes, accountability.

Every kind of this app (complaint, report of misconduct, opinion, suggestion, praise) is a WorkOrder with one
`Complaint` row one-to-one (`order.complaint`): what the channel received and when, the category, and the
loop's record (contact, investigation, analysis, rectification, verification, reply, return visit). The
assessment's findings are `Accountability` rows, which the scorecards read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from services.models import WorkOrder

# The kinds' codes on WorkOrder.kind.
COMPLAINT = "complaint"  # 投诉
MISCONDUCT_REPORT = "misconduct_report"  # 举报: confidential
OPINION = "opinion"  # 意见
SUGGESTION = "suggestion"  # 建议
PRAISE = "praise"  # 表扬: credited to an employee or a department
FEEDBACK_KINDS = (COMPLAINT, MISCONDUCT_REPORT, OPINION, SUGGESTION, PRAISE)


class ComplaintStatus(models.TextChoices):
    """The loop's statuses beyond the backbone's new/assigned/closed/cancelled."""

    CONTACTED = "contacted", _("Customer contacted")  # the contact is recorded: when, how, what was agreed
    INVESTIGATED = "investigated", _("Investigated")  # the facts are established, evidence attached
    ANALYSED = "analysed", _("Cause analysed")  # root cause, responsible unit, company at fault or not
    RECTIFIED = "rectified", _("Rectified")  # what was done; may wait for a linked order
    VERIFIED = "verified", _("Verified")  # a second person approved analysis and rectification
    ANSWERED = "answered", _("Answered")  # the reply is with the customer
    VISITED = "visited", _("Return visit done")  # the customer said they are satisfied
    ASSESSED = "assessed", _("Assessed")  # accountability recorded


class MajorReason(models.TextChoices):
    INJURY = "injury", _("Personal injury")
    MEDIA = "media", _("Media attention")
    SPECIAL_EVENT = "special_event", _("Special event or sensitive period")
    IMPORTANT_CUSTOMER = "important_customer", _("Customer flagged as important")
    OTHER = "other", _("Other")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("Visit in person")
    COUNTER = "counter", _("At the counter")
    MESSAGE = "message", _("Text message")


class BilingualName(models.Model):
    """Reference data with a Chinese name and an English one; pages show the one of the active language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name


class ComplaintCategory(BilingualName):
    """A category (服务, 营业, 停送电, 供电质量, 电网建设) or, with a parent, one of its sub-categories."""

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("category")
    )

    class Meta(BilingualName.Meta):
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    @property
    def top(self) -> ComplaintCategory:
        """The top-level category (itself, or its parent: two levels only)."""
        return self.parent if self.parent_id else self


class RootCause(BilingualName):
    """A class of root cause found in the analysis; `is_company_fault` is its usual answer, not a rule."""

    is_company_fault = models.BooleanField(_("usually the company's fault"), default=True)

    class Meta(BilingualName.Meta):
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")


class Complaint(models.Model):
    """A complaint's (or report's, opinion's, suggestion's, praise's) particulars and its loop's record."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="complaint", verbose_name=_("work order")
    )
    category = models.ForeignKey(
        ComplaintCategory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("category"),
    )
    # When the channel (95598, 12398, 12345, a letter) received it: the clocks start here, not at typing.
    received_at = models.DateTimeField(_("received at"))
    # The earlier order the complaint is about, if any.
    about_order = models.ForeignKey(
        WorkOrder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("about order"),
    )
    is_major = models.BooleanField(_("major complaint"), default=False)
    major_reason = models.CharField(_("why major"), max_length=20, choices=MajorReason.choices, blank=True)
    is_repeat = models.BooleanField(_("repeat complaint"), default=False)
    repeat_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="repeats", verbose_name=_("repeat of")
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # A report of misconduct: who filed it is shown only to complaint handlers and managers.
    is_confidential = models.BooleanField(_("confidential"), default=False)
    # Praise: who is praised.
    credited_department = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, related_name="praise", verbose_name=_("praised department")
    )
    credited_employee = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="praise", verbose_name=_("praised employee")
    )
    # Contact (within 24 h).
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contact_method = models.CharField(_("contact method"), max_length=10, choices=ContactMethod.choices, blank=True)
    contact_agreement = models.TextField(_("what was agreed"), max_length=2000, blank=True)
    # Investigation.
    facts = models.TextField(_("facts found"), max_length=4000, blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    # Analysis.
    root_cause = models.ForeignKey(
        RootCause, models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("root cause")
    )
    analysis = models.TextField(_("analysis"), max_length=4000, blank=True)
    responsible_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_held",
        verbose_name=_("responsible department"),
    )
    responsible_employee = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_held",
        verbose_name=_("responsible employee"),
    )
    # None: not analysed yet.
    is_company_fault = models.BooleanField(_("company at fault"), null=True, blank=True)
    analysed_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("analysed by")
    )
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    # Rectification, possibly a linked order of another kind whose closure the complaint waits for.
    rectification = models.TextField(_("rectification"), max_length=4000, blank=True)
    rectification_order = models.ForeignKey(
        WorkOrder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifies",
        verbose_name=_("rectification order"),
    )
    rectified_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rectified by")
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    # Verification by a second person.
    verified_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), max_length=2000, blank=True)
    # The reply (customer-visible) and the return visit.
    reply = models.TextField(_("reply"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("return visit at"), null=True, blank=True)
    is_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["received_at"], name="complaint_received_idx"),
            models.Index(fields=["is_major"], condition=models.Q(is_major=True), name="complaint_major_idx"),
        ]

    def __str__(self) -> str:
        return str(self.order_id)

    @property
    def sub_type_label(self) -> str:
        """The category as the order pages show it beside the kind."""
        return self.category.label if self.category_id else ""


class Accountability(models.Model):
    """An assessment's finding against a department (and, where it applies, an employee): the scorecards read it."""

    complaint = models.ForeignKey(
        Complaint, models.CASCADE, related_name="accountabilities", verbose_name=_("complaint")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="accountabilities", verbose_name=_("responsible department")
    )
    employee = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="accountabilities",
        verbose_name=_("responsible employee"),
    )
    penalty_points = models.DecimalField(_("penalty points"), max_digits=5, decimal_places=1, default=0)
    finding = models.TextField(_("finding"), max_length=2000)
    by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("assessed by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("accountability finding")
        verbose_name_plural = _("accountability findings")
        ordering = ["-at", "pk"]
        indexes = [models.Index(fields=["department", "at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.department_id}"


class Reporter(models.Model):
    """Who filed a confidential report of misconduct (举报): kept off the work order, which names nobody.

    Only complaint handlers and managers see it (complaints.permissions.may_see_reporter), on the pages, in
    the API and in the admin; the order's timeline and the backbone's pages carry no trace of the filer.
    """

    complaint = models.OneToOneField(
        Complaint, models.CASCADE, primary_key=True, related_name="reporter", verbose_name=_("complaint")
    )
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="reports_filed", verbose_name=_("customer login")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    account_number = models.CharField(_("electricity account number"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("confidential reporter")
        verbose_name_plural = _("confidential reporters")

    def __str__(self) -> str:
        return self.name or str(self.user or "")
