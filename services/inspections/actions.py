"""Every change to an inspection: scheduling and opening, the inspector's work, findings, rectification notices,
theft cases, re-inspections, escalation of overdue rectifications, and the review of anomaly flags.

An inspection order's `complete` clock starts on its planned day from its policy row (migration 0002) and stops
when the inspector completes it. Each function takes the actor as `by`, runs in one transaction, locks the
order row (services.actions.lock) and writes the timeline; messages go through the outbox after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ElectricityAccount, User
from services import actions, events, notifications, routing, sla
from services.actions import NewOrder, TransitionRefused
from services.inspections.models import (
    INSPECTION,
    AnomalyFlag,
    Checklist,
    ChecklistItem,
    ChecklistResult,
    Finding,
    FindingCategory,
    FlagStatus,
    Inspection,
    InspectionPlan,
    LegalBasis,
    Origin,
    Outcome,
    Rectification,
    RectificationStatus,
    TheftCase,
    TheftOutcome,
)
from services.inspections.permissions import may, theft_cases_for
from services.models import EventKind, Priority, Status, WorkOrder
from services.models.orders import Channel

NOTICE_CATEGORIES = frozenset({FindingCategory.HAZARD, FindingCategory.VIOLATION})


# --- Opening ---------------------------------------------------------------------------------------------


def _open(
    account: ElectricityAccount,
    *,
    by: User | None,
    origin: str,
    checklist: Checklist,
    planned_on: date,
    description: str,
    plan: InspectionPlan | None = None,
    period_start: date | None = None,
    rectification: Rectification | None = None,
) -> WorkOrder:
    new = NewOrder(
        kind=INSPECTION,
        channel=Channel.COMPANY,  # opened by the company (a plan, a flag, a notice): no customer channel
        description=description,
        sub_type=origin,
        customer_id=account.customer_id,
        account_id=account.pk,
        grid_id=account.grid_id,
        contact_name=account.customer.name,
        contact_phone=account.customer.phone,
        location=account.address,
        priority=Priority.NORMAL,
    )
    order = actions.open_order(new, by=by)
    Inspection.objects.create(
        order=order,
        account=account,
        origin=origin,
        plan=plan,
        period_start=period_start,
        planned_on=planned_on,
        checklist=checklist,
        rectification=rectification,
    )
    sla.start_clock(order, "complete", at=max(sla.start_of(planned_on), order.opened_at))
    return routing.route_order(order, by=by)


def schedule_inspection(
    plan: InspectionPlan, account: ElectricityAccount, *, period_start: date, planned_on: date
) -> WorkOrder | None:
    """Open the plan's inspection of `account` for the period; None if it exists already (a rerun, a race)."""
    description = _("Scheduled inspection: %(plan)s") % {"plan": plan.name}
    try:
        with transaction.atomic():
            order = _open(
                account,
                by=None,
                origin=Origin.SCHEDULED,
                checklist=plan.checklist,
                planned_on=planned_on,
                description=description,
                plan=plan,
                period_start=period_start,
            )
            if account.is_important:
                _tell_date(order, planned_on)
    except IntegrityError:
        return None
    return order


def _tell_date(order: WorkOrder, planned_on: date) -> None:
    actions.tell_customer(
        order,
        template="inspection_scheduled",
        context={"date": planned_on.isoformat()},
        dedupe=f"inspection_scheduled:{order.pk}",
    )


def open_inspection_from_flag(flag: AnomalyFlag, *, by: User, checklist: Checklist, note: str = "") -> WorkOrder:
    """Open an inspection of the flagged account (a supervisor's review); the flag and its open siblings of the
    same account and month point at it."""
    _require(by, "review_flags")
    with transaction.atomic():
        flag = AnomalyFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise FlagReviewed(flag)
        account = ElectricityAccount.objects.select_related("grid", "customer").get(pk=flag.account_id)
        # The customer sees the order: it says nothing of the rule that fired (a thief would be warned); the
        # rule and the supervisor's note go on the timeline for staff only.
        order = _open(
            account,
            by=by,
            origin=Origin.ANOMALY,
            checklist=checklist,
            planned_on=sla.local_day(timezone.now()),
            description=_("Inspection of electricity use."),
        )
        rule = _("Inspection of an anomaly in the readings: %(rule)s") % {"rule": flag.get_rule_display()}
        events.record(order, EventKind.COMMENT, by=by, note=f"{rule} {note}".strip(), public=False)
        AnomalyFlag.objects.filter(account_id=flag.account_id, period=flag.period, status=FlagStatus.OPEN).update(
            status=FlagStatus.INSPECTING, reviewed_by=by, reviewed_at=timezone.now(), inspection=order.inspection
        )
    return order


def dismiss_flag(flag: AnomalyFlag, *, by: User, reason: str) -> AnomalyFlag:
    """Dismiss a flag with the supervisor's reason (a known vacancy, a new meter…)."""
    _require(by, "review_flags")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the flag is dismissed.")})
    with transaction.atomic():
        flag = AnomalyFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise FlagReviewed(flag)
        flag.status, flag.reason = FlagStatus.DISMISSED, reason.strip()
        flag.reviewed_by, flag.reviewed_at = by, timezone.now()
        flag.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    return flag


class FlagReviewed(Exception):
    """A flag reviewed already (409)."""

    def __init__(self, flag: AnomalyFlag) -> None:
        self.message = _("This flag was reviewed already: %(status)s.") % {"status": flag.get_status_display()}
        super().__init__(self.message)


# --- The inspector's work --------------------------------------------------------------------------------


def _require(by: User, what: str) -> None:
    if not may(by, what):
        raise PermissionDenied(_("Your role may not do this."))


def _working(order: WorkOrder, by: User) -> WorkOrder:
    """Lock the order; refuse unless it is an open inspection the user may work; take it up if only assigned."""
    from services.permissions import may_act_on

    _require(by, "work")
    order = actions.lock(order)
    if order.kind != INSPECTION or not may_act_on(order, by):
        raise PermissionDenied(_("This inspection is not yours to work."))
    if order.status == Status.ASSIGNED:
        order = actions.change_status(order, Status.IN_PROGRESS, by=by)
    if order.status != Status.IN_PROGRESS:
        raise TransitionRefused(order, Status.IN_PROGRESS)
    return order


def start_inspection(order: WorkOrder, *, by: User) -> WorkOrder:
    """Take up an assigned inspection (on site)."""
    with transaction.atomic():
        return _working(order, by=by)


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    outcome: str
    note: str = ""
    photo: object | None = None  # an uploaded file, stored through services.attachments


def record_results(order: WorkOrder, *, by: User, results: list[ItemResult]) -> int:
    """Record (or correct) checklist results, with photos as the order's attachments; return how many."""
    from services.attachments import add_attachment

    with transaction.atomic():
        order = _working(order, by=by)
        inspection = order.inspection
        now = timezone.now()
        for result in results:
            if result.item.checklist_id != inspection.checklist_id or result.outcome not in Outcome.values:
                raise ValidationError(_("Answer the items of this inspection's checklist."))
            photo = add_attachment(order, by=by, upload=result.photo, public=False) if result.photo else None
            defaults = {"outcome": result.outcome, "note": result.note[:500], "recorded_by": by, "recorded_at": now}
            if photo is not None:
                defaults["photo"] = photo
            ChecklistResult.objects.update_or_create(inspection=inspection, item=result.item, defaults=defaults)
        events.record(order, EventKind.COMMENT, by=by, note=_("Checklist: %(n)d items recorded.") % {"n": len(results)})
    return len(results)


@dataclass(frozen=True)
class NewFinding:
    category: str
    severity: str
    description: str
    required_action: str = ""
    due_on: date | None = None
    legal_basis: LegalBasis | None = None
    estimated_unbilled_kwh: Decimal | None = None


def record_finding(order: WorkOrder, *, by: User, finding: NewFinding) -> Finding:
    """Record a finding. A hazard or violation issues a rectification notice to the customer and plans its
    re-inspection for the due date; suspected theft opens a confidential case for the department manager."""
    _check_finding(finding)
    with transaction.atomic():
        order = _working(order, by=by)
        inspection = order.inspection
        row = Finding.objects.create(
            inspection=inspection,
            category=finding.category,
            severity=finding.severity,
            description=finding.description,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        if finding.category in NOTICE_CATEGORIES:
            _issue_notice(order, row, finding, by=by)
        elif finding.category == FindingCategory.THEFT:
            _open_theft_case(order, row, finding)
        public = finding.category != FindingCategory.THEFT
        events.record(
            order, EventKind.COMMENT, by=by, new=row.get_category_display(), note=_("Finding recorded."), public=public
        )
    return row


def _check_finding(finding: NewFinding) -> None:
    errors: dict[str, str] = {}
    if not finding.description.strip():
        errors["description"] = _("Describe what was found.")
    if finding.category in NOTICE_CATEGORIES:
        if not finding.required_action.strip():
            errors["required_action"] = _("Say what the customer must do.")
        if finding.due_on is None or finding.due_on <= timezone.localdate():
            errors["due_on"] = _("Give a date after today.")
        if finding.legal_basis is None:
            errors["legal_basis"] = _("Choose the legal basis.")
    if finding.category == FindingCategory.THEFT and finding.estimated_unbilled_kwh is None:
        errors["estimated_unbilled_kwh"] = _("Estimate the unbilled energy.")
    if errors:
        raise ValidationError(errors)


def _issue_notice(order: WorkOrder, row: Finding, finding: NewFinding, *, by: User) -> Rectification:
    inspection = order.inspection
    notice = Rectification.objects.create(
        finding=row,
        account=inspection.account,
        required_action=finding.required_action,
        due_on=finding.due_on,
        legal_basis=finding.legal_basis,
        issued_at=timezone.now(),
    )
    actions.tell_customer(
        order,
        template="rectification_notice",
        context={
            "action": finding.required_action[:300],
            "date": finding.due_on.isoformat(),
            "basis": finding.legal_basis.text_zh[:300],
        },
        dedupe=f"rectification_notice:{notice.pk}",
    )
    description = _("Re-inspection of the rectification due %(date)s") % {"date": notice.due_on.isoformat()}
    account = ElectricityAccount.objects.select_related("grid", "customer").get(pk=inspection.account_id)
    _open(
        account,
        by=by,
        origin=Origin.REINSPECTION,
        checklist=inspection.checklist,
        planned_on=finding.due_on,
        description=description,
        rectification=notice,
    )
    return notice


def _open_theft_case(order: WorkOrder, row: Finding, finding: NewFinding) -> TheftCase:
    department = order.department or order.grid.department
    case = TheftCase.objects.create(
        finding=row,
        account_id=order.inspection.account_id,
        department=department,
        estimated_unbilled_kwh=finding.estimated_unbilled_kwh,
        opened_at=timezone.now(),
    )
    notifications.notify(
        order,
        template="theft_case_opened",
        recipients=notifications.supervisors_of(order),
        context={"kwh": str(finding.estimated_unbilled_kwh)},
        channels=["inbox"],
        dedupe=f"theft_case:{case.pk}",
    )
    return case


def close_theft_case(
    case: TheftCase, *, by: User, outcome: str, recovered_kwh: Decimal | None = None, note: str = ""
) -> TheftCase:
    """The manager's conclusion on a theft case in their scope: confirmed, with the energy the customer is to pay
    back (what the bill for it is, is billing's), or unfounded, with the reason. A closed case stays closed."""
    _require(by, "close_theft")
    note = note.strip()
    errors = {}
    if outcome not in TheftOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    elif outcome == TheftOutcome.CONFIRMED and not (recovered_kwh and recovered_kwh > 0):
        errors["recovered_kwh"] = _("Enter the energy the customer is to pay back.")
    elif outcome == TheftOutcome.UNFOUNDED and recovered_kwh:
        errors["recovered_kwh"] = _("No energy is recovered when no theft was found.")
    if not note:
        errors["note"] = _("Write the conclusion: what was established, and on what evidence.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = theft_cases_for(by).select_for_update().filter(pk=case.pk).first()
        if case is None:
            raise PermissionDenied(_("This case is not in your scope."))
        if case.is_closed:
            raise TheftCaseClosed(case)
        case.outcome, case.recovered_kwh, case.closing_note = outcome, recovered_kwh or None, note
        case.closed_at, case.closed_by = timezone.now(), by
        case.save(update_fields=["outcome", "recovered_kwh", "closing_note", "closed_at", "closed_by"])
    return case


class TheftCaseClosed(Exception):
    """A theft case closed already (409)."""

    def __init__(self, case: TheftCase) -> None:
        self.message = _("This case was closed already: %(outcome)s.") % {"outcome": case.get_outcome_display()}
        super().__init__(self.message)


def complete_inspection(order: WorkOrder, *, by: User, result: str = "") -> WorkOrder:
    """Complete an inspection whose every checklist item is answered: stop its clock and close the order. A
    re-inspection without a failed item marks its rectification done."""
    with transaction.atomic():
        order = _working(order, by=by)
        inspection = Inspection.objects.select_for_update().get(pk=order.pk)
        missing = inspection.checklist.items.exclude(pk__in=inspection.results.values("item_id")).count()
        if missing:
            raise ValidationError(_("%(n)d checklist items are not answered yet.") % {"n": missing})
        failed = inspection.results.filter(outcome=Outcome.FAILED).exists()
        now = timezone.now()
        inspection.completed_at, inspection.completed_by = now, by
        inspection.has_findings = inspection.findings.exists()
        inspection.save(update_fields=["completed_at", "completed_by", "has_findings"])
        if inspection.rectification_id and not failed:
            Rectification.objects.filter(pk=inspection.rectification_id).update(
                status=RectificationStatus.DONE, done_at=now
            )
        sla.stop_clock(order, "complete", at=now)
        order = actions.change_status(order, Status.RESOLVED, by=by, note=result)
        order = actions.change_status(order, Status.CLOSED, by=by, note=result)
        order.result = result or _("Inspection completed.")
        order.save(update_fields=["result"])
    return order


# --- Escalation ------------------------------------------------------------------------------------------


def escalate_overdue_rectifications(today: date | None = None) -> int:
    """Tell the department's supervisors (and remind the customer) of every open rectification past its date,
    once each; return how many were escalated."""
    today = today or timezone.localdate()
    overdue = list(
        Rectification.objects.filter(
            status=RectificationStatus.OPEN, due_on__lt=today, escalated_at__isnull=True
        ).select_related("finding__inspection__order__grid", "finding__inspection__order__department")[:500]
    )
    for notice in overdue:
        with transaction.atomic():
            _escalate(notice)
    return len(overdue)


def _escalate(notice: Rectification) -> None:
    order = notice.finding.inspection.order
    context = {"date": notice.due_on.isoformat(), "action": notice.required_action[:300]}
    notifications.notify(
        order,
        template="rectification_overdue",
        recipients=notifications.supervisors_of(order),
        context=context,
        dedupe=f"rectification_overdue:{notice.pk}",
    )
    actions.tell_customer(
        order, template="rectification_reminder", context=context, dedupe=f"rectification_reminder:{notice.pk}"
    )
    Rectification.objects.filter(pk=notice.pk).update(escalated_at=timezone.now())
