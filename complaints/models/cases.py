"""The typical-case library (典型案例): lessons from closed complaints, assigned to staff for study (举一反三).

A case is written from a closed complaint with the customer's personal data removed (complaints.cases); a
manager publishes it; staff search it in Chinese (services.textsearch on `search_text`). A published case is
assigned for study to departments (with the units below them), to roles, or to a role within a department;
each employee it reaches records a `StudyRecord` with a one-line takeaway.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, User
from complaints.models.complaints import Complaint, ComplaintCategory
from services.models import QUALITY_CHARACTERISTICS


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; the author and managers see it
    PUBLISHED = "published", _("Published")  # in the library for every employee
    WITHDRAWN = "withdrawn", _("Withdrawn")  # taken out of the library by a manager


class TypicalCaseQuerySet(models.QuerySet["TypicalCase"]):
    def published(self) -> TypicalCaseQuerySet:
        return self.filter(status=CaseStatus.PUBLISHED)


class TypicalCase(models.Model):
    """A typical case: what happened, why, what was done, the lesson; no customer's personal data."""

    complaint = models.OneToOneField(
        Complaint,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="typical_case",
        verbose_name=_("from complaint"),
    )
    title = models.CharField(_("title"), max_length=120)
    situation = models.TextField(_("situation"), max_length=4000)
    cause = models.TextField(_("cause"), max_length=4000)
    measures = models.TextField(_("what was done"), max_length=4000)
    lesson = models.TextField(_("lesson"), max_length=4000)
    characteristic = models.CharField(
        _("quality characteristic"), max_length=20, choices=QUALITY_CHARACTERISTICS, db_index=True
    )
    category = models.ForeignKey(
        ComplaintCategory, models.PROTECT, related_name="typical_cases", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="typical_cases", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    author = models.ForeignKey(User, models.PROTECT, related_name="typical_cases", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The text segmented into words for the Chinese full-text search (services.textsearch), kept by the actions.
    search_text = models.TextField(blank=True, editable=False)

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], condition=Q(status="published"), name="case_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class StudyAssignment(models.Model):
    """A published case to be studied by a department (and the units below it), a role, or a role there."""

    case = models.ForeignKey(TypicalCase, models.CASCADE, related_name="assignments", verbose_name=_("case"))
    department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="case_assignments",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    due_on = models.DateField(_("read by"), null=True, blank=True)
    assigned_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("assigned by"))
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("study assignment")
        verbose_name_plural = _("study assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(department=None, role=""), name="assignment_has_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.department_id or '*'}/{self.role or '*'}"


class StudyRecord(models.Model):
    """An employee has read a case, with a one-line takeaway."""

    case = models.ForeignKey(TypicalCase, models.CASCADE, related_name="study_records", verbose_name=_("case"))
    employee = models.ForeignKey(User, models.CASCADE, related_name="study_records", verbose_name=_("employee"))
    takeaway = models.CharField(_("takeaway"), max_length=200)
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-read_at"]
        constraints = [models.UniqueConstraint(fields=["case", "employee"], name="one_study_record_per_employee")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.employee_id}"
