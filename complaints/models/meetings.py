"""Complaint analysis meetings (投诉分析会) and the improvement actions that come out of them.

A meeting is held for a department (and the units below it) on a period, monthly by default; its page is
prepared from the period's complaints (complaints.meetings). The beat task opens each month's drafts
(complaints.tasks.open_monthly_meetings): one meeting per department and period, a unique constraint, so a
second run creates nothing. Improvement actions are tracked to done with evidence; the overdue ones warn
their owner and the manager once per level (complaints.meeting_actions.warn_overdue_actions).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from complaints.models.complaints import Complaint


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # prepared from the data, not held yet
    HELD = "held", _("Held")  # minutes recorded


class MeetingQuerySet(models.QuerySet["AnalysisMeeting"]):
    def of_departments(self, departments: models.QuerySet[Department]) -> MeetingQuerySet:
        return self.filter(department__in=departments.values("pk"))


class AnalysisMeeting(models.Model):
    """One analysis meeting of a department on a period (its first and last day)."""

    department = models.ForeignKey(
        Department, models.PROTECT, related_name="analysis_meetings", verbose_name=_("department")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    attendees = models.ManyToManyField(User, blank=True, related_name="analysis_meetings", verbose_name=_("attendees"))
    # Attendees from outside the portal's users (a county company's guest, the regulator's observer).
    other_attendees = models.CharField(_("other attendees"), max_length=300, blank=True)
    conclusions = models.TextField(_("conclusions"), max_length=8000, blank=True)
    # None for the drafts the beat task opens.
    opened_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    minutes_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("minutes by")
    )
    minutes_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint analysis meeting")
        verbose_name_plural = _("complaint analysis meetings")
        ordering = ["-period_start", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period_start", "period_end"], name="one_meeting_per_department_period"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="meeting_period"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.period_start:%Y-%m}"

    @property
    def period_label(self) -> str:
        if self.period_start.day == 1 and month_end(self.period_start) == self.period_end:
            return f"{self.period_start:%Y-%m}"
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"


def month_end(first: date) -> date:
    """The last day of the month that `first` is in."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")  # to be done by its due date
    DONE = "done", _("Done")  # done, with evidence
    CANCELLED = "cancelled", _("Cancelled")  # dropped by the manager, with a reason


class ActionQuerySet(models.QuerySet["ImprovementAction"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: date) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today)


class ImprovementAction(models.Model):
    """What is to be done, by whom, by when; the complaints it answers; done with evidence."""

    meeting = models.ForeignKey(
        AnalysisMeeting, models.CASCADE, related_name="actions", verbose_name=_("analysis meeting")
    )
    title = models.CharField(_("what"), max_length=200)
    details = models.TextField(_("details"), max_length=4000, blank=True)
    owner = models.ForeignKey(User, models.PROTECT, related_name="improvement_actions", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    complaints = models.ManyToManyField(
        Complaint, blank=True, related_name="improvement_actions", verbose_name=_("linked complaints")
    )
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    # Stored under our own random name with the extension its bytes prove (complaints.meeting_actions).
    evidence_file = models.FileField(_("evidence file"), upload_to="improvement-actions/%Y/%m/", blank=True)
    evidence_content_type = models.CharField(max_length=50, blank=True, editable=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    created_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # How many overdue levels have been announced (complaints.meeting_actions.OVERDUE_LEVELS).
    warned_level = models.PositiveSmallIntegerField(_("overdue warnings sent"), default=0, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="open"), name="action_open_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == ActionStatus.OPEN and self.due_on < today


class MonthlyComplaintFigures(models.Model):
    """A month's complaints of one area (the 台区's department) by category, root cause and responsible unit.

    The roll-up the meeting page reads for whole months (complaints.meetings), recounted by beat
    (complaints.figures.refresh_complaint_figures) instead of scanning the area's complaints on every view.
    """

    month = models.DateField(_("month"))
    department = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("area"))
    category = models.ForeignKey(
        "complaints.ComplaintCategory", models.CASCADE, null=True, related_name="+", verbose_name=_("category")
    )
    root_cause = models.ForeignKey(
        "complaints.RootCause", models.CASCADE, null=True, related_name="+", verbose_name=_("root cause")
    )
    responsible_department = models.ForeignKey(
        Department, models.CASCADE, null=True, related_name="+", verbose_name=_("responsible department")
    )
    complaints = models.PositiveIntegerField(default=0)
    repeats = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    company_fault = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("monthly complaint figures")
        verbose_name_plural = _("monthly complaint figures")
        indexes = [models.Index(fields=["month", "department"], name="complaint_figures_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id}: {self.complaints}"
