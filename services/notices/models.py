"""Outage notices (停电信息): planned, temporary and fault outages per 台区, and who has been told.

A notice lives in the `notices` app label with its own migrations. Fault notices mirror the repair kind's
`OutageEvent` (services.repair.models): one notice per event, published while the event is live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceGrid, User

# How far ahead a planned outage must be published, and a temporary one told to important customers
# (DOMAIN.md section 3; 供电服务十项承诺).
PLANNED_NOTICE = timedelta(days=7)
TEMPORARY_NOTICE = timedelta(hours=24)


class NoticeKind(models.TextChoices):
    PLANNED = "planned", _("Planned maintenance outage")  # published ≥ 7 days ahead
    TEMPORARY = "temporary", _("Temporary maintenance outage")  # important customers told ≥ 24 h ahead
    FAULT = "fault", _("Fault outage")  # from a repair OutageEvent, published automatically


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # written, nobody told yet
    PUBLISHED = "published", _("Published")  # public, customers told; live once it starts
    CANCELLED = "cancelled", _("Cancelled")  # called off; customers told again
    RESTORED = "restored", _("Power restored")  # over; the notice is closed


class OutageNoticeQuerySet(models.QuerySet["OutageNotice"]):
    def published(self) -> OutageNoticeQuerySet:
        """Notices the public may read: published, and those since cancelled or closed."""
        return self.exclude(status=NoticeStatus.DRAFT)

    def live(self, now: datetime | None = None) -> OutageNoticeQuerySet:
        """Outages going on now: published, started, power not yet restored."""
        return self.filter(status=NoticeStatus.PUBLISHED, starts_at__lte=now or timezone.now())

    def upcoming(self, now: datetime | None = None) -> OutageNoticeQuerySet:
        """Published outages that have not started yet."""
        return self.filter(status=NoticeStatus.PUBLISHED, starts_at__gt=now or timezone.now())

    def current(self) -> OutageNoticeQuerySet:
        """Live and upcoming together: what a customer should know about now."""
        return self.filter(status=NoticeStatus.PUBLISHED)

    def for_grids(self, grid_ids: Iterable[int]) -> OutageNoticeQuerySet:
        """Notices covering any of these 台区 (one semi-join, no duplicates)."""
        return self.filter(pk__in=NoticeGrid.objects.filter(grid_id__in=list(grid_ids)).values("notice_id"))

    def in_area(self, text: str) -> OutageNoticeQuerySet:
        """Public lookup by area: words of the area description, a 台区's name or its code."""
        text = text.strip()
        if not text:
            return self
        grids = NoticeGrid.objects.filter(models.Q(grid__name__icontains=text) | models.Q(grid__code__iexact=text))
        return self.filter(models.Q(area__icontains=text) | models.Q(pk__in=grids.values("notice_id")))


class OutageNotice(models.Model):
    """One outage told to the public and to every customer on its 台区."""

    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("expected end"))
    reason = models.CharField(_("reason"), max_length=200)
    area = models.CharField(_("area affected"), max_length=500, help_text=_("The streets and buildings, in words."))
    grids = models.ManyToManyField(
        ServiceGrid, through="NoticeGrid", related_name="outage_notices", verbose_name=_("service grids")
    )
    # A fault notice mirrors one repair outage event (services.repair).
    outage = models.OneToOneField(
        "services.OutageEvent", models.SET_NULL, null=True, blank=True, related_name="notice", verbose_name=_("outage")
    )
    # A planned outage published less than 7 days ahead needs a manager's recorded reason.
    override_reason = models.CharField(_("reason for short notice"), max_length=500, blank=True)
    override_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    # Bumped by each change of time after publishing: part of the messages' dedupe keys, so customers hear again.
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OutageNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outage notice")
        verbose_name_plural = _("outage notices")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="notice_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED and self.starts_at <= timezone.now()

    @property
    def phase(self) -> str:
        """How the public pages label it: upcoming, live, cancelled or over."""
        if self.status == NoticeStatus.PUBLISHED:
            return "live" if self.is_live else "upcoming"
        return self.status


class NoticeGrid(models.Model):
    """A 台区 a notice covers (the through table, indexed for the lookups by 台区)."""

    notice = models.ForeignKey(OutageNotice, models.CASCADE, related_name="notice_grids")
    grid = models.ForeignKey(ServiceGrid, models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "grid"], name="one_row_per_notice_grid")]
        indexes = [models.Index(fields=["grid", "notice"], name="notice_grid_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.grid_id}"
