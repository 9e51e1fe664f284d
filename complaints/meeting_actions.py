"""Every change to analysis meetings and improvement actions, and the two beat jobs that keep them moving.

Each function takes the actor as `by=`, runs in one transaction with the row locked, checks the move in
complaints.library_states and writes the outbox rows (services.notifications) in the same transaction;
delivery follows the commit. The beat jobs (complaints.tasks) are idempotent: the monthly drafts rest on the
unique (department, period) constraint, the overdue warnings on `warned_level` and the outbox's dedupe keys.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from complaints import permissions
from complaints.library_states import check_move
from complaints.meetings import complaints_of
from complaints.models import (
    ActionStatus,
    AnalysisMeeting,
    Complaint,
    ImprovementAction,
    MeetingStatus,
)
from complaints.models.meetings import month_end
from services.attachments import detect_type
from services.notifications import notify

# Overdue warnings: (level, days past the due date). Level 1 the day after it was due, level 2 a week later.
OVERDUE_LEVELS = ((1, 1), (2, 8))


def open_meeting(*, by: User, department: Department, period_start: date, period_end: date) -> AnalysisMeeting:
    """Open the analysis meeting of a department on a period, or return the one already open for it."""
    if not permissions.may_manage_meeting(by, department.pk):
        raise PermissionDenied
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    key = {"department": department, "period_start": period_start, "period_end": period_end}
    try:
        with transaction.atomic():
            meeting, _created = AnalysisMeeting.objects.get_or_create(**key, defaults={"opened_by": by})
    except IntegrityError:  # opened by someone else at the same moment
        meeting = AnalysisMeeting.objects.get(**key)
    return meeting


def record_minutes(
    meeting: AnalysisMeeting,
    *,
    by: User,
    held_on: date,
    attendees: Iterable[User],
    other_attendees: str = "",
    conclusions: str,
) -> AnalysisMeeting:
    """Record (or amend) the minutes: when it was held, who attended, what was concluded."""
    if not permissions.may_manage_meeting(by, meeting.department_id):
        raise PermissionDenied
    with transaction.atomic():
        meeting = AnalysisMeeting.objects.select_for_update().get(pk=meeting.pk)
        check_move(MeetingStatus, meeting.status, MeetingStatus.HELD)
        meeting.status, meeting.held_on = MeetingStatus.HELD, held_on
        meeting.other_attendees, meeting.conclusions = other_attendees, conclusions
        meeting.minutes_by, meeting.minutes_at = by, timezone.now()
        meeting.save(update_fields=["status", "held_on", "other_attendees", "conclusions", "minutes_by", "minutes_at"])
        meeting.attendees.set(list(attendees))
    return meeting


def linkable_complaints(meeting: AnalysisMeeting, numbers: Iterable[str]) -> list[Complaint]:
    """The complaints of the meeting's units with these order numbers; ValidationError naming any other."""
    numbers = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not numbers:
        return []
    found = complaints_of(meeting.department, date(2000, 1, 1), timezone.now() + timedelta(days=1))
    found = list(found.filter(order__number__in=numbers).select_related("order"))
    missing = sorted(set(numbers) - {c.order.number for c in found})
    if missing:
        raise ValidationError(
            {
                "complaints": _("No complaint of this department has the number %(numbers)s.")
                % {"numbers": ", ".join(missing)}
            }
        )
    return found


def add_action(
    meeting: AnalysisMeeting,
    *,
    by: User,
    title: str,
    owner: User,
    due_on: date,
    details: str = "",
    complaints: Iterable[Complaint] = (),
) -> ImprovementAction:
    """Record an improvement action from the meeting, and tell its owner."""
    if not permissions.may_manage_meeting(by, meeting.department_id):
        raise PermissionDenied
    if not (owner.is_active and owner.is_employee):
        raise ValidationError({"owner": _("An action is owned by an active employee.")})
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            meeting=meeting, title=title, details=details, owner=owner, due_on=due_on, created_by=by
        )
        action.complaints.set(list(complaints))
        notify(
            None,
            template="improvement_action_assigned",
            recipients=[owner],
            context=_action_context(action),
            dedupe=f"improvement-action:{action.pk}:assigned",
        )
    return action


def _action_context(action: ImprovementAction) -> dict[str, str]:
    return {"title": action.title, "due_on": action.due_on.isoformat(), "link": f"/complaints/actions/{action.pk}/"}


def _check_evidence_file(upload: UploadedFile) -> tuple[str, str]:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {"evidence_file": _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    upload.seek(0)
    detected = detect_type(upload.read(16))
    upload.seek(0)
    if detected is None:
        raise ValidationError({"evidence_file": _("Only photos (JPEG, PNG, WebP) and PDF files can be attached.")})
    return detected


def complete_action(
    action: ImprovementAction, *, by: User, evidence: str = "", upload: UploadedFile | None = None
) -> ImprovementAction:
    """Mark the action done, with evidence: a text, a file (photo or PDF), or both."""
    if not permissions.may_complete(by, action):
        raise PermissionDenied
    if not evidence.strip() and upload is None:
        raise ValidationError({"evidence": _("Say what was done, or attach a photo or a document.")})
    detected = _check_evidence_file(upload) if upload is not None else None
    with transaction.atomic():
        action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
        check_move(ActionStatus, action.status, ActionStatus.DONE)
        action.status, action.evidence = ActionStatus.DONE, evidence.strip()
        action.done_by, action.done_at = by, timezone.now()
        fields = ["status", "evidence", "done_by", "done_at"]
        if detected is not None:
            content_type, extension = detected
            action.evidence_file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
            action.evidence_content_type = content_type
            fields += ["evidence_file", "evidence_content_type"]
        action.save(update_fields=fields)
    return action


def cancel_action(action: ImprovementAction, *, by: User, reason: str) -> ImprovementAction:
    """Drop an action that no longer makes sense; the reason is kept as its evidence."""
    if not permissions.may(by, "cancel_action") or not permissions.in_scope(by, action.meeting.department_id):
        raise PermissionDenied
    with transaction.atomic():
        action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
        check_move(ActionStatus, action.status, ActionStatus.CANCELLED)
        action.status, action.evidence = ActionStatus.CANCELLED, reason.strip()
        action.done_by, action.done_at = by, timezone.now()
        action.save(update_fields=["status", "evidence", "done_by", "done_at"])
    return action


def evidence_name(action: ImprovementAction) -> str:
    return os.path.basename(action.evidence_file.name) if action.evidence_file else ""


# --- Beat jobs ------------------------------------------------------------------------------------------------


def last_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return first, month_end(first)


def meeting_departments() -> list[int]:
    """The departments that hold monthly meetings: those with an active department manager."""
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True, department__isnull=False)
    return sorted(set(managers.values_list("department_id", flat=True)))


def open_monthly_meetings(today: date) -> int:
    """Open last month's meeting draft for every department that holds meetings; return how many were new.

    Run on the first days of each month. Running it again creates nothing: one meeting per department and
    period is a unique constraint, and rows that exist are left alone.
    """
    first, last = last_month(today)
    departments = meeting_departments()
    before = AnalysisMeeting.objects.filter(period_start=first, period_end=last).count()
    AnalysisMeeting.objects.bulk_create(
        [AnalysisMeeting(department_id=pk, period_start=first, period_end=last) for pk in departments],
        ignore_conflicts=True,
    )
    return AnalysisMeeting.objects.filter(period_start=first, period_end=last).count() - before


def managers_by_department(department_ids: Iterable[int]) -> dict[int, list[User]]:
    managers = User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True, department_id__in=set(department_ids))
    found: dict[int, list[User]] = {}
    for manager in managers.order_by("pk"):
        found.setdefault(manager.department_id, []).append(manager)
    return found


def warn_overdue_actions(today: date) -> int:
    """Warn the owners of overdue actions and their meeting's managers, once per action and level.

    A fixed number of queries per level whatever the number of actions; return how many messages were queued.
    """
    queued = 0
    for level, days in OVERDUE_LEVELS:
        with transaction.atomic():
            due = ImprovementAction.objects.select_for_update(skip_locked=True, of=("self",))
            due = due.filter(status=ActionStatus.OPEN, due_on__lte=today - timedelta(days=days), warned_level__lt=level)
            actions = list(due.select_related("owner", "meeting__department", "meeting__opened_by").order_by("pk"))
            managers = managers_by_department(a.meeting.department_id for a in actions)
            for action in actions:
                queued += _warn(action, level, today, managers.get(action.meeting.department_id, []))
            ImprovementAction.objects.filter(pk__in=[a.pk for a in actions]).update(warned_level=level)
    return queued


def _warn(action: ImprovementAction, level: int, today: date, managers: list[User]) -> int:
    recipients = [action.owner, *(managers or [action.meeting.opened_by])]
    context = _action_context(action) | {"level": level, "days": (today - action.due_on).days}
    return notify(
        None,
        template="improvement_action_overdue",
        recipients=recipients,
        context=context,
        dedupe=f"improvement-action:{action.pk}:overdue:{level}",
    )
