"""Outage notices' state changes: draft, publish, change, cancel, restore; and fault notices from outage events.

Each is atomic, locks the notice, and tells the customers on its 台区 through the outbox in one set-based pass
(services.notices.publishing). The rules of notice (DOMAIN.md section 3): a planned outage is published at
least 7 days before it starts and a temporary one at least 24 hours before; less needs a department manager's
recorded reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, ServiceGrid, User
from services.notices import publishing
from services.notices.models import (
    PLANNED_NOTICE,
    TEMPORARY_NOTICE,
    NoticeGrid,
    NoticeKind,
    NoticeStatus,
    OutageNotice,
)

# Who writes and publishes notices (the pages and the API share it: services.notices.permissions).
NOTICE_EDITORS = frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
# Who may publish one at shorter notice than the rules allow, with a recorded reason.
OVERRIDERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})


class NoticeRefused(Exception):
    """A change the notice's status does not allow (published twice, changing a cancelled one): a 409."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _check_editor(by: User) -> None:
    if not (by.is_authenticated and by.role in NOTICE_EDITORS):
        raise PermissionDenied


def _check_times(kind: str, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The expected end must be after the start.")})
    if kind != NoticeKind.FAULT and starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A maintenance outage is announced before it starts.")})


def short_notice(notice: OutageNotice, now: datetime | None = None) -> bool:
    """Whether publishing now gives less notice than the rules ask for this kind of outage."""
    lead = {NoticeKind.PLANNED: PLANNED_NOTICE, NoticeKind.TEMPORARY: TEMPORARY_NOTICE}.get(notice.kind)
    return lead is not None and notice.starts_at - (now or timezone.now()) < lead


def _lock(notice: OutageNotice) -> OutageNotice:
    return OutageNotice.objects.select_for_update().get(pk=notice.pk)


def draft_notice(
    *,
    by: User,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    area: str,
    grids: Sequence[ServiceGrid],
) -> OutageNotice:
    """Write a planned or temporary notice for one or more 台区; nobody is told until it is published."""
    _check_editor(by)
    if kind == NoticeKind.FAULT:
        raise ValidationError({"kind": _("Fault outages are announced from the repair process.")})
    if not grids:
        raise ValidationError({"grids": _("Choose at least one 台区.")})
    _check_times(kind, starts_at, ends_at)
    with transaction.atomic():
        notice = OutageNotice.objects.create(
            kind=kind, starts_at=starts_at, ends_at=ends_at, reason=reason, area=area, created_by=by
        )
        NoticeGrid.objects.bulk_create([NoticeGrid(notice=notice, grid=grid) for grid in grids])
    return notice


def publish_notice(notice: OutageNotice, *, by: User, override_reason: str = "") -> OutageNotice:
    """Publish a draft and tell every customer on its 台区.

    Less notice than the rules allow is refused unless a department manager gives the reason, which is kept.
    """
    _check_editor(by)
    with transaction.atomic():
        notice = _lock(notice)
        if notice.status != NoticeStatus.DRAFT:
            raise NoticeRefused(_("Only a draft can be published."))
        if short_notice(notice):
            _check_override(notice, by=by, reason=override_reason)
        notice.status, notice.published_at = NoticeStatus.PUBLISHED, timezone.now()
        notice.save(update_fields=["status", "published_at", "override_reason", "override_by"])
        publishing.tell_affected(notice, template="outage_notice", event="published")
    return notice


def _check_override(notice: OutageNotice, *, by: User, reason: str) -> None:
    if notice.kind == NoticeKind.PLANNED:
        rule = _("A planned outage must be published at least 7 days before it starts.")
    else:
        rule = _("A temporary outage must be announced at least 24 hours before it starts.")
    if by.role not in OVERRIDERS:
        raise ValidationError({"override_reason": rule + " " + _("Only a department manager can override this.")})
    if not reason.strip():
        raise ValidationError({"override_reason": rule + " " + _("Give the reason for the short notice.")})
    notice.override_reason, notice.override_by = reason.strip()[:500], by


def change_notice(notice: OutageNotice, *, by: User, starts_at: datetime, ends_at: datetime) -> OutageNotice:
    """Move a published outage's times and tell its customers again (a new revision of the notice)."""
    _check_editor(by)
    with transaction.atomic():
        notice = _lock(notice)
        if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED):
            raise NoticeRefused(_("A cancelled or closed notice cannot be changed."))
        if ends_at <= starts_at:
            raise ValidationError({"ends_at": _("The expected end must be after the start.")})
        notice.starts_at, notice.ends_at = starts_at, ends_at
        told = notice.status == NoticeStatus.PUBLISHED
        notice.revision += 1 if told else 0
        notice.save(update_fields=["starts_at", "ends_at", "revision"])
        if told:
            publishing.tell_affected(notice, template="outage_notice_changed", event="changed")
    return notice


def cancel_notice(notice: OutageNotice, *, by: User) -> OutageNotice:
    """Call the outage off; customers already told hear that it is cancelled."""
    _check_editor(by)
    with transaction.atomic():
        notice = _lock(notice)
        if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED):
            raise NoticeRefused(_("This notice is already cancelled or closed."))
        told = notice.status == NoticeStatus.PUBLISHED
        notice.status, notice.cancelled_at = NoticeStatus.CANCELLED, timezone.now()
        notice.save(update_fields=["status", "cancelled_at"])
        if told:
            publishing.tell_affected(notice, template="outage_notice_cancelled", event="cancelled")
    return notice


def restore_power(notice: OutageNotice, *, by: User | None, at: datetime | None = None) -> OutageNotice:
    """Close a live notice: power is back. Customers are told; the outage history counts it from now on."""
    if by is not None:
        _check_editor(by)
    with transaction.atomic():
        notice = _lock(notice)
        if not notice.is_live:
            raise NoticeRefused(_("Only an outage that is going on can be closed as restored."))
        notice.status, notice.restored_at = NoticeStatus.RESTORED, at or timezone.now()
        notice.save(update_fields=["status", "restored_at"])
        publishing.tell_affected(notice, template="outage_notice_restored", event="restored")
    return notice


def publish_fault_outage(outage_id: int) -> OutageNotice | None:
    """Publish the notice of a live fault outage (services.repair.models.OutageEvent), once; None if over.

    Called after the repair's report commits (services.notices.tasks); a repeat finds the notice already there.
    """
    from services.repair.models import OutageEvent  # a sibling kind's model: read only, never changed here

    with transaction.atomic():
        outage = OutageEvent.objects.select_for_update().select_related("grid").filter(pk=outage_id).first()
        if outage is None or outage.restored_at is not None or OutageNotice.objects.filter(outage=outage).exists():
            return None
        expected = outage.expected_end_at or outage.started_at + FAULT_EXPECTED
        notice = OutageNotice.objects.create(
            kind=NoticeKind.FAULT,
            status=NoticeStatus.PUBLISHED,
            starts_at=outage.started_at,
            ends_at=max(expected, outage.started_at + MINIMUM_SPAN),
            reason=outage.cause or _("Fault on the supply network, being repaired"),
            area=outage.grid.name,
            outage=outage,
            published_at=timezone.now(),
        )
        NoticeGrid.objects.create(notice=notice, grid=outage.grid)
        publishing.tell_affected(notice, template="outage_notice", event="published")
    return notice


def close_fault_outage(outage_id: int, *, at: datetime) -> OutageNotice | None:
    """Close the fault notice of an outage whose power is back (called from the repair's restoration)."""
    notice = OutageNotice.objects.filter(outage_id=outage_id, status=NoticeStatus.PUBLISHED).first()
    if notice is None:
        return None
    return restore_power(notice, by=None, at=at)


# A fault outage's expected end before the crew says otherwise: the urban restoration limit (DOMAIN.md section 3).
FAULT_EXPECTED = timedelta(hours=3)
MINIMUM_SPAN = timedelta(minutes=1)
