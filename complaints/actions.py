"""The complaint loop and its sister kinds' lighter flows: every state change, one function each.

Filing opens the order (services.actions.open_order) with its Complaint row, marks a repeat (same account and
category within 30 days), starts the clocks from the moment the channel received it (`contact` 24 h and
`answer` by channel for a complaint, `answer` for the others, as policy rows), routes it to the complaint
centre and, for a major complaint, tells the managers and the company's leadership at once. Each step then
changes status only through services.actions.change_status (the kind's table; a refused move is a 409),
records its facts on the Complaint row and the timeline, and queues its messages to run after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ratelimits
from accounts.models import AccountStatus, Department, DepartmentKind, ElectricityAccount, Role, User
from complaints.models import (
    COMPLAINT,
    MISCONDUCT_REPORT,
    PRAISE,
    Accountability,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Reporter,
    RootCause,
)
from complaints.repeat import find_repeat
from services import actions, events, notifications, routing, sla
from services.actions import NewOrder, TooSoon, TransitionRefused, tell_customer
from services.models import EventKind, Priority, ReturnVisit, Status, WorkOrder
from services.visits import SATISFIED_FROM, send_return_visit_link

# How far back staff may date a complaint the channel received (a letter takes days; a year is a typing error).
OLDEST_RECEIPT = timedelta(days=30)


# accounts.ratelimits' scope for customers' filings (settings.RATE_LIMITS): a flood of filings is refused.
FILING_SCOPE = "complaint_filing"


class FilingLimited(TooSoon):
    """A customer filed too many complaints in the window (429 on the page and in the API; nothing filed)."""

    def __init__(self) -> None:
        limit, window = settings.RATE_LIMITS[FILING_SCOPE]
        super().__init__(ratelimits.refusal_message(FILING_SCOPE), timezone.now() + window)


@dataclass(frozen=True)
class Filing:
    """What a complaint (or report, opinion, suggestion, praise) says, whoever files it."""

    kind: str
    channel: str
    description: str
    category: ComplaintCategory | None = None
    account: ElectricityAccount | None = None
    about_order: WorkOrder | None = None
    received_at: datetime | None = None
    contact_name: str = ""
    contact_phone: str = ""
    is_major: bool = False
    major_reason: str = ""
    credited_department: Department | None = None
    credited_employee: User | None = None


def _check(filing: Filing, by: User, now: datetime) -> None:
    if by.is_customer and filing.account is not None and filing.account.linked_user_id != by.pk:
        raise ValidationError({"account": _("Choose one of the accounts linked to you.")})
    if not (by.is_customer or by.is_employee):
        raise ValidationError(_("Only customers and staff can file a complaint."))
    if filing.account is not None and filing.account.status == AccountStatus.CLOSED:
        raise ValidationError({"account": _("Account %(number)s is closed.") % {"number": filing.account.number}})
    mine = WorkOrder.objects.visible_to(by)
    if filing.about_order is not None and by.is_customer and not mine.filter(pk=filing.about_order.pk).exists():
        raise ValidationError({"about_order": _("Choose one of your own requests.")})
    if filing.kind == COMPLAINT and filing.category is None:
        raise ValidationError({"category": _("Choose what the complaint is about.")})
    if filing.kind == PRAISE and not (filing.credited_department or filing.credited_employee):
        raise ValidationError({"credited_employee": _("Say whom you praise: an employee or a department.")})
    received = filing.received_at or now
    if received > now + timedelta(minutes=5) or received < now - OLDEST_RECEIPT:
        raise ValidationError({"received_at": _("The date received must be within the last 30 days.")})
    if filing.is_major and not filing.major_reason:
        raise ValidationError({"major_reason": _("Say why the complaint is major.")})


def _new_order(filing: Filing, by: User) -> NewOrder:
    confidential = filing.kind == MISCONDUCT_REPORT
    account = None if confidential else filing.account
    phone = filing.contact_phone or (by.phone if by.is_customer else "")
    return NewOrder(
        kind=filing.kind,
        channel=filing.channel,
        description=filing.description,
        sub_type=filing.category.top.code if filing.category else "",
        customer_id=account.customer_id if account else None,
        account_id=account.pk if account else None,
        grid_id=filing.account.grid_id if filing.account else None,
        contact_name="" if confidential else filing.contact_name,
        contact_phone="" if confidential else phone or (account.customer.phone if account else ""),
        location=account.address if account else "",
        reported_by=by if by.is_customer and not confidential else None,
        priority=Priority.URGENT if filing.is_major else Priority.NORMAL,
    )


def file_complaint(*, by: User, filing: Filing) -> WorkOrder:
    """Open a complaint (or one of its sister kinds), mark a repeat, start its clocks, route it, raise a major one.

    A report of misconduct keeps its filer off the order (complaints.models.Reporter). Raises ValidationError
    for what the filer may not file.
    """
    now = timezone.now()
    _check(filing, by, now)
    if by.is_customer and ratelimits.is_limited(FILING_SCOPE, f"user:{by.pk}"):
        raise FilingLimited
    received = min(filing.received_at or now, now)
    confidential = filing.kind == MISCONDUCT_REPORT
    with transaction.atomic():
        if filing.account is not None:
            # Two complaints on one account at once: the second sees the first and is marked a repeat.
            ElectricityAccount.objects.select_for_update().filter(pk=filing.account.pk).first()
        until = timezone.now() if filing.received_at is None else None  # received now: as of the lock
        repeat = find_repeat(filing.account, filing.category, received, until) if filing.kind == COMPLAINT else None
        # The filer of a report is not the order's actor: the timeline names nobody.
        order = actions.open_order(_new_order(filing, by), by=None if confidential and by.is_customer else by)
        complaint = Complaint.objects.create(
            order=order,
            category=filing.category,
            received_at=received,
            about_order=filing.about_order,
            is_major=filing.is_major,
            major_reason=filing.major_reason,
            is_repeat=repeat is not None,
            repeat_of=repeat,
            is_confidential=confidential,
            credited_department=filing.credited_department or _department_of(filing.credited_employee),
            credited_employee=filing.credited_employee,
        )
        if confidential:
            _keep_reporter(complaint, filing, by)
        _start_clocks(order, received)
        order = routing.route_order(order, by=None)
        if filing.is_major:
            _raise_major(order, complaint)
        if not confidential:
            tell_customer(order, template="order_accepted", dedupe=f"order_accepted:{order.pk}")
        if by.is_customer:
            ratelimits.hit(FILING_SCOPE, f"user:{by.pk}")
    return order


def _department_of(user: User | None) -> Department | None:
    return user.department if user is not None else None


def _keep_reporter(complaint: Complaint, filing: Filing, by: User) -> None:
    Reporter.objects.create(
        complaint=complaint,
        user=by if by.is_customer else None,
        name=filing.contact_name or (by.get_full_name() if by.is_customer else ""),
        phone=filing.contact_phone or (by.phone if by.is_customer else ""),
        account_number=filing.account.number if filing.account else "",
    )


def _start_clocks(order: WorkOrder, received: datetime) -> None:
    if order.kind == COMPLAINT:
        sla.start_clock(order, "contact", at=received)
    sla.start_clock(order, "answer", at=received)


# --- Major complaints ----------------------------------------------------------------------------------


def leadership() -> list[User]:
    """The company's leadership: the managers of the top departments (management, no parent)."""
    return list(
        User.objects.filter(
            role=Role.DEPARTMENT_MANAGER,
            is_active=True,
            department__parent__isnull=True,
            department__kind=DepartmentKind.MANAGEMENT,
        ).order_by("pk")
    )


def _raise_major(order: WorkOrder, complaint: Complaint) -> None:
    recipients = {user.pk: user for user in [*notifications.supervisors_of(order), *leadership()]}
    notifications.notify(
        order,
        template="major_complaint",
        recipients=list(recipients.values()),
        context={"note": complaint.get_major_reason_display()},
        dedupe=f"major_complaint:{order.pk}",
    )


def mark_major(order: WorkOrder, *, by: User, reason: str, note: str = "") -> WorkOrder:
    """Mark an open complaint major (after intake): it goes first in every queue, managers and leaders are told."""
    with transaction.atomic():
        order = actions.lock(order)
        complaint = Complaint.objects.select_for_update().get(pk=order.pk)
        if complaint.is_major or not order.is_open:
            raise TransitionRefused(order, order.status)
        complaint.is_major, complaint.major_reason = True, reason
        complaint.save(update_fields=["is_major", "major_reason"])
        order.priority = Priority.URGENT
        order.save(update_fields=["priority"])
        label = complaint.get_major_reason_display()
        events.record(order, EventKind.PRIORITY_CHANGED, by=by, new=_("Major complaint"), note=f"{label} {note}")
        _raise_major(order, complaint)
    return order


# --- The loop ------------------------------------------------------------------------------------------


def _step(order: WorkOrder, to: str, *, by: User, note: str, public: bool = False) -> tuple[WorkOrder, Complaint]:
    """Move the order (the kind's table decides) and lock its Complaint row for the step's facts."""
    order = actions.change_status(order, to, by=by, note=note, public=public)
    return order, Complaint.objects.select_for_update().get(pk=order.pk)


def record_contact(order: WorkOrder, *, by: User, method: str, agreement: str, at: datetime | None = None) -> WorkOrder:
    """Record the contact with the customer (when, how, what was agreed): the `contact` clock stops."""
    now = timezone.now()
    at = min(at or now, now)
    with transaction.atomic():
        order, complaint = _step(order, ComplaintStatus.CONTACTED, by=by, note=agreement, public=True)
        complaint.contacted_at, complaint.contact_method, complaint.contact_agreement = at, method, agreement
        complaint.save(update_fields=["contacted_at", "contact_method", "contact_agreement"])
        sla.stop_clock(order, "contact", at=at)
    return order


def investigate(order: WorkOrder, *, by: User, facts: str) -> WorkOrder:
    """Record the facts found (evidence goes on as attachments): the complaint is ready for analysis."""
    with transaction.atomic():
        order, complaint = _step(order, ComplaintStatus.INVESTIGATED, by=by, note=facts)
        complaint.facts, complaint.investigated_at = facts, timezone.now()
        complaint.save(update_fields=["facts", "investigated_at"])
    return order


@dataclass(frozen=True)
class Analysis:
    root_cause: RootCause
    is_company_fault: bool
    analysis: str
    responsible_department: Department | None = None
    responsible_employee: User | None = None


def analyse(order: WorkOrder, *, by: User, analysis: Analysis) -> WorkOrder:
    """Record the root cause, the responsible unit (and employee) and whether the company was at fault."""
    if analysis.is_company_fault and analysis.responsible_department is None:
        raise ValidationError({"responsible_department": _("Name the responsible department.")})
    with transaction.atomic():
        order, complaint = _step(order, ComplaintStatus.ANALYSED, by=by, note=analysis.analysis)
        complaint.root_cause, complaint.analysis = analysis.root_cause, analysis.analysis
        complaint.is_company_fault = analysis.is_company_fault
        complaint.responsible_department = analysis.responsible_department or _department_of(
            analysis.responsible_employee
        )
        complaint.responsible_employee = analysis.responsible_employee
        complaint.analysed_by, complaint.analysed_at = by, timezone.now()
        complaint.save()
    return order


def rectify(order: WorkOrder, *, by: User, rectification: str, linked: WorkOrder | None = None) -> WorkOrder:
    """Record what was done (a linked order of another kind may carry it; verification waits for its closure)."""
    if linked is not None and (linked.pk == order.pk or linked.kind == order.kind):
        raise ValidationError({"linked_order": _("Link a work order of another kind, such as a repair.")})
    with transaction.atomic():
        complaint = Complaint.objects.get(pk=order.pk)
        if complaint.is_company_fault is not True:
            raise TransitionRefused(order, ComplaintStatus.RECTIFIED)
        order, complaint = _step(order, ComplaintStatus.RECTIFIED, by=by, note=rectification)
        complaint.rectification, complaint.rectification_order = rectification, linked
        complaint.rectified_by, complaint.rectified_at = by, timezone.now()
        complaint.save(update_fields=["rectification", "rectification_order", "rectified_by", "rectified_at"])
    return order


class VerificationRefused(TransitionRefused):
    """Verification that cannot be given now: by the analyst or rectifier themself, or before a linked order closes."""

    def __init__(self, order: WorkOrder, message: str) -> None:
        self.order, self.to, self.message = order, ComplaintStatus.VERIFIED, message
        Exception.__init__(self, message)


def verify(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """A second person approves the analysis and rectification; the reply may go out."""
    with transaction.atomic():
        complaint = Complaint.objects.select_related("rectification_order").get(pk=order.pk)
        if by.pk in (complaint.analysed_by_id, complaint.rectified_by_id):
            raise VerificationRefused(order, _("A second person verifies: not the one who analysed or rectified."))
        linked = complaint.rectification_order
        if linked is not None and linked.status != Status.CLOSED:
            raise VerificationRefused(
                order, _("The linked order %(number)s is not closed yet.") % {"number": linked.number}
            )
        order, complaint = _step(order, ComplaintStatus.VERIFIED, by=by, note=note)
        complaint.verified_by, complaint.verified_at, complaint.verification_note = by, timezone.now(), note
        complaint.save(update_fields=["verified_by", "verified_at", "verification_note"])
    return order


def send_back(order: WorkOrder, *, by: User, note: str) -> WorkOrder:
    """The verifier sends the analysis and rectification back to be done again, with a note."""
    if not note.strip():
        raise ValidationError({"note": _("Say what must be done again.")})
    with transaction.atomic():
        complaint = Complaint.objects.get(pk=order.pk)
        if by.pk in (complaint.analysed_by_id, complaint.rectified_by_id):
            raise VerificationRefused(order, _("A second person verifies: not the one who analysed or rectified."))
        order = actions.change_status(
            order, ComplaintStatus.INVESTIGATED, by=by, note=note, from_statuses=[ComplaintStatus.RECTIFIED]
        )
        Complaint.objects.filter(pk=order.pk).update(verification_note=note, verified_by=None, verified_at=None)
    return order


def answer(order: WorkOrder, *, by: User, reply: str) -> WorkOrder:
    """Send the customer the reply (customer-visible): the `answer` clock stops.

    A complaint of the company's responsibility is answered only once verified.
    """
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply to the customer.")})
    with transaction.atomic():
        complaint = Complaint.objects.get(pk=order.pk)
        if order.kind == COMPLAINT and complaint.is_company_fault and order.status != ComplaintStatus.VERIFIED:
            raise TransitionRefused(order, ComplaintStatus.ANSWERED)
        order, complaint = _step(order, ComplaintStatus.ANSWERED, by=by, note=reply, public=True)
        now = timezone.now()
        complaint.reply, complaint.answered_at = reply, now
        complaint.save(update_fields=["reply", "answered_at"])
        order.result = reply
        order.save(update_fields=["result"])
        sla.stop_clock(order, "answer", at=now)
        _tell_filer(order, "complaint_answered", reply, f"complaint_answered:{order.pk}:{now.timestamp()}")
        if order.can_move_to(ComplaintStatus.VISITED):  # the return visit: the backbone's rating link
            send_return_visit_link(order)
    return order


def _tell_filer(order: WorkOrder, template: str, note: str, dedupe: str) -> None:
    """Tell the customer of the order. A confidential reporter is not messaged: an outbox row would name them
    (its recipient or phone, in the admin); they read the reply on their report's page, or the handler calls."""
    if order.kind != MISCONDUCT_REPORT:
        tell_customer(order, template=template, context={"note": note}, dedupe=dedupe)


def record_visit(order: WorkOrder, *, by: User | None, satisfied: bool, note: str = "") -> WorkOrder:
    """The return visit's answer: satisfied moves on to assessment; dissatisfied reopens the investigation.

    A reopened complaint counts it (reopen_count) and gets a new `answer` clock from now.
    """
    if not satisfied and not note.strip():
        raise ValidationError({"note": _("Say what the customer is still dissatisfied with.")})
    to = ComplaintStatus.VISITED if satisfied else ComplaintStatus.INVESTIGATED
    with transaction.atomic():
        order = actions.change_status(
            order, to, by=by, note=note, public=True, from_statuses=[ComplaintStatus.ANSWERED]
        )
        now = timezone.now()
        fields = {"visited_at": now, "is_satisfied": satisfied}
        if not satisfied:
            fields["reopen_count"] = F("reopen_count") + 1
            sla.start_clock(order, "answer", at=now)
        Complaint.objects.filter(pk=order.pk).update(**fields)
    return order


def on_rated(order: WorkOrder, visit: ReturnVisit) -> None:
    """The return visit of an answered complaint (a rating through its link, or staff's telephone visit): an
    overall 4 or 5 is satisfied (as the dashboards count satisfaction), anything lower reopens the complaint with
    the customer's comment. A complaint rated once it is closed is only a rating."""
    if order.status != ComplaintStatus.ANSWERED:
        return
    satisfied = visit.overall >= SATISFIED_FROM
    note = visit.comment.strip() or _("Rated %(overall)d out of 5.") % {"overall": visit.overall}
    record_visit(order, by=visit.recorded_by, satisfied=satisfied, note=note)


@dataclass(frozen=True)
class Finding:
    department: Department
    finding: str
    penalty_points: Decimal = Decimal("0")
    employee: User | None = None


def assess(order: WorkOrder, *, by: User, finding: Finding) -> WorkOrder:
    """Hold the responsible unit to account: an Accountability row the scorecards read."""
    if finding.penalty_points < 0:
        raise ValidationError({"penalty_points": _("Penalty points cannot be negative.")})
    with transaction.atomic():
        order, complaint = _step(order, ComplaintStatus.ASSESSED, by=by, note=finding.finding)
        now = timezone.now()
        Accountability.objects.create(
            complaint=complaint,
            department=finding.department,
            employee=finding.employee,
            penalty_points=finding.penalty_points,
            finding=finding.finding,
            by=by,
            at=now,
        )
        complaint.assessed_at = now
        complaint.save(update_fields=["assessed_at"])
    return order


def close_complaint(order: WorkOrder, *, by: User, result: str = "") -> WorkOrder:
    """Close the loop (the backbone's closing: the customer is told and gets the rating link).

    A complaint of the company's responsibility closes only once assessed.
    """
    complaint = Complaint.objects.get(pk=order.pk)
    if order.kind == COMPLAINT and complaint.is_company_fault and order.status != ComplaintStatus.ASSESSED:
        raise TransitionRefused(order, Status.CLOSED)
    if order.kind == MISCONDUCT_REPORT:
        with transaction.atomic():
            order = actions.change_status(order, Status.CLOSED, by=by, note=result)
        return order
    return actions.close_order(order, by=by, result=result)
