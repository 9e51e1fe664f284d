"""New connections (业扩报装), stage by stage: filing with documents, the document check and its one-time notice
(一次性告知), the supply plan, design review, the customer's construction, inspections, energisation.

Every step moves the order through `_enter`, which changes its status through the backbone (the kind's
transition table, services.connections.stages) and keeps the clocks in step: a company stage runs its
`stage:<name>` clock; the `whole_process` clock counts only the company's stages, so it pauses during the
customer's construction and while the company waits for missing documents. Guards the table cannot express
(important customers only, design approved first, every document accepted) raise StageRefused (409).
The portal never suggests or names a contractor: the customer chooses freely.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ElectricityAccount, ServiceGrid, User
from services import actions, attachments, kinds, notifications, routing, sla
from services.actions import NewOrder, TransitionRefused, tell_customer
from services.connections import changes, documents, permissions
from services.connections.models import (
    BUSINESS_APPLICATION,
    CHANGE_OF_USE,
    AccountChange,
    ApplicationDocument,
    BusinessApplication,
    ChangeOfUse,
    ChangeType,
    DocumentCode,
    Purpose,
    Stage,
    Verdict,
)
from services.connections.stages import CUSTOMER_TIME, WHOLE_PROCESS, spec_for
from services.models import Status, WorkOrder
from services.visits import customer_of

COMPANY_STAGES = frozenset(Stage) - {Stage.CONSTRUCTION}
NOT_ACCEPTED = (Verdict.MISSING, Verdict.DEFECTIVE)


class StageRefused(TransitionRefused):
    """A step the stage rules do not allow now (a 409, like any refused move), with its own message."""

    def __init__(self, order: WorkOrder, message: str) -> None:
        self.order, self.to, self.message = order, order.status, message
        Exception.__init__(self, message)


# --- Moving between stages -------------------------------------------------------------------------------


def _enter(order: WorkOrder, to: str, *, by: User | None, note: str = "", public: bool = True) -> WorkOrder:
    """Move the order to `to` and keep its stage clocks and the whole-process clock in step."""
    old = order.status
    order = actions.change_status(order, to, by=by, note=note, public=public)
    now = timezone.now()
    if old == Status.WAITING_CUSTOMER:
        sla.resume_clock(order, f"stage:{Stage.ACCEPTANCE}", by=by, at=now)
    elif old in COMPANY_STAGES and to == Status.WAITING_CUSTOMER:
        sla.pause_clock(order, f"stage:{old}", by=by, note=note, at=now)
    elif old in COMPANY_STAGES:
        sla.stop_clock(order, f"stage:{old}", at=now)
    if to in CUSTOMER_TIME:
        sla.pause_clock(order, WHOLE_PROCESS, by=by, at=now)
    elif old in CUSTOMER_TIME:
        sla.resume_clock(order, WHOLE_PROCESS, by=by, at=now)
    if to in COMPANY_STAGES and old != Status.WAITING_CUSTOMER:
        sla.start_clock(order, f"stage:{to}", at=now)
    if to in (Status.RESOLVED, Status.CANCELLED):
        sla.stop_clock(order, WHOLE_PROCESS, at=now)
        sla.stop_clock(order, f"stage:{Stage.ACCEPTANCE}", at=now)  # withdrawn while documents were wanting
    return order


def _application(order: WorkOrder) -> BusinessApplication:
    return BusinessApplication.objects.select_for_update().get(pk=order.pk)


def _require(order: WorkOrder, stage: str) -> WorkOrder:
    """The order locked, if it is at `stage`; else StageRefused."""
    order = actions.lock(order)
    if order.status != stage:
        raise StageRefused(
            order,
            _("Application %(number)s is at “%(status)s”; this step belongs to “%(stage)s”.")
            % {"number": order.number, "status": order.get_status_display(), "stage": kinds.status_label(stage)},
        )
    return order


# --- Filing ----------------------------------------------------------------------------------------------


def file_business_application(
    *,
    by: User,
    channel: str,
    connection_type: str,
    purpose: str,
    capacity_kva: Decimal,
    description: str,
    applicant_name: str = "",
    account: ElectricityAccount | None = None,
    grid: ServiceGrid | None = None,
    location: str = "",
    is_important: bool = False,
    is_delegated: bool = False,
    contact_phone: str = "",
    documents_given: dict[str, UploadedFile] | None = None,
) -> WorkOrder:
    """Open a new connection or capacity increase with its documents, start its clocks and route it."""
    _check_applicant(by, purpose=purpose, account=account, location=location)
    grid = account.grid if account else grid
    _check_filer(by, grid=grid)
    new = NewOrder(
        kind=BUSINESS_APPLICATION,
        channel=channel,
        description=description,
        sub_type=connection_type,
        customer_id=account.customer_id if account else None,
        account_id=account.pk if account else None,
        grid_id=grid.pk if grid else None,
        contact_phone=contact_phone or (by.phone if by.is_customer else ""),
        location=location or (account.address if account else ""),
        reported_by=by if by.is_customer else None,
    )
    with transaction.atomic():
        order = actions.open_order(new, by=by)
        application = BusinessApplication.objects.create(
            order=order,
            connection_type=connection_type,
            purpose=purpose,
            applicant_name=applicant_name or (account.customer.name if account else by.get_full_name()),
            capacity_kva=capacity_kva,
            is_important=is_important or bool(account and account.is_important),
            is_delegated=is_delegated,
        )
        _checklist(order, application, by=by, given=documents_given or {})
        sla.start_clock(order, WHOLE_PROCESS, at=order.opened_at, new=True)
        order = _enter(order, Stage.ACCEPTANCE, by=by)
        order = routing.route_order(order, by=by)
        tell_customer(order, template="order_accepted", dedupe=f"order_accepted:{order.pk}")
    return order


def _check_applicant(by: User, *, purpose: str, account: ElectricityAccount | None, location: str) -> None:
    if not (by.is_customer or by.is_employee):
        raise ValidationError(_("Only customers and staff can file an application."))
    if account is None:
        if purpose == Purpose.CAPACITY_INCREASE:
            raise ValidationError({"account": [_("A capacity increase is made for an existing account.")]})
        if not location.strip():
            raise ValidationError({"location": [_("Say where the supply is needed.")]})
        return
    if by.is_customer and account.linked_user_id != by.pk:
        raise ValidationError({"account": [_("Choose one of the accounts linked to you.")]})
    if account.status == AccountStatus.CLOSED:
        raise ValidationError({"account": [_("Account %(number)s is closed.") % {"number": account.number}]})


def _check_filer(by: User, *, grid: ServiceGrid | None) -> None:
    """Staff file for a customer only if their role may, and on a 台区 in their scope (the account's, or where
    the new supply is): services.connections.permissions, for the counter pages and the API alike."""
    if not by.is_employee:
        return
    if not permissions.files_for_customers(by):
        raise PermissionDenied(_("Your role does not file applications for customers."))
    if grid is None:
        raise ValidationError({"grid": [_("Choose the area (台区) where the supply is needed.")]})
    if not permissions.in_scope(by, grid.department_id):
        raise PermissionDenied(_("This account or area is not in your department's scope."))


def _checklist(order: WorkOrder, application: BusinessApplication, *, by: User, given: dict) -> None:
    """One row per document the type asks for, with the customer's file where they gave one."""
    now = timezone.now()
    for code in documents.checklist(application.connection_type, is_delegated=application.is_delegated):
        upload = given.get(code)
        attachment = attachments.add_attachment(order, by=by, upload=upload) if upload else None
        ApplicationDocument.objects.create(application=application, code=code, attachment=attachment, added_at=now)


# --- Documents and the one-time notice -------------------------------------------------------------------


def review_documents(order: WorkOrder, *, by: User, verdicts: dict[str, tuple[str, str]]) -> WorkOrder:
    """Record the reviewer's verdict on each document; everything missing or defective is told at once.

    `verdicts` maps a document code to (verdict, reason); a reason is required for missing or defective. A
    document already accepted cannot be called missing afterwards, nor can one the one-time notice left out
    (StageRefused): the customer is told everything once (一次性告知).
    """
    with transaction.atomic():
        order = _require(order, Stage.ACCEPTANCE)
        application = _application(order)
        rows = {row.code: row for row in application.documents.filter(is_company=False)}
        _check_verdicts(order, application, rows, verdicts)
        now = timezone.now()
        for code, (verdict, reason) in verdicts.items():
            row = rows[code]
            row.verdict, row.reason, row.reviewed_by, row.reviewed_at = verdict, reason.strip(), by, now
            row.was_notified = row.was_notified or verdict in NOT_ACCEPTED
            row.save(update_fields=["verdict", "reason", "reviewed_by", "reviewed_at", "was_notified"])
        wanting = [rows[code] for code, (verdict, _reason) in verdicts.items() if verdict in NOT_ACCEPTED]
        if wanting:
            order = _notify_missing(order, application, wanting, by=by, at=now)
    return order


def _check_verdicts(
    order: WorkOrder, application: BusinessApplication, rows: dict[str, ApplicationDocument], verdicts: dict
) -> None:
    errors: dict[str, list[str]] = {}
    for code, (verdict, reason) in verdicts.items():
        row = rows.get(code)
        if row is None or verdict not in Verdict.values or verdict == Verdict.PENDING:
            errors[code] = [_("Give a verdict on a document of this application.")]
        elif verdict in NOT_ACCEPTED and not reason.strip():
            errors[code] = [_("Say what is missing or wrong.")]
        elif verdict in NOT_ACCEPTED and row.verdict == Verdict.ACCEPTED:
            raise StageRefused(order, _("“%(document)s” was accepted already.") % {"document": row.get_code_display()})
        elif verdict in NOT_ACCEPTED and application.documents_notified_at and not row.was_notified:
            raise StageRefused(
                order,
                _("“%(document)s” was not in the one-time notice; the customer is told everything missing once.")
                % {"document": row.get_code_display()},
            )
    if errors:
        raise ValidationError(errors)


def _notify_missing(
    order: WorkOrder, application: BusinessApplication, wanting: list[ApplicationDocument], *, by: User, at: datetime
) -> WorkOrder:
    """Tell the customer every missing or defective document in one message, and wait (clocks paused)."""
    customer = customer_of(order)
    with translation.override(customer.language if customer and customer.language else settings.LANGUAGE_CODE):
        items = "; ".join(f"{row.get_code_display()}: {row.reason}" for row in wanting)
    order = _enter(order, Status.WAITING_CUSTOMER, by=by, note=items)
    if application.documents_notified_at is None:
        application.documents_notified_at = at
        application.save(update_fields=["documents_notified_at"])
    tell_customer(
        order, template="documents_missing", context={"note": items}, dedupe=f"documents_missing:{order.pk}:{at}"
    )
    return order


def supply_documents(order: WorkOrder, *, by: User, files: dict[str, UploadedFile]) -> WorkOrder:
    """Take the customer's missing documents; once none is wanting the acceptance resumes (its clocks too)."""
    if not files:
        raise ValidationError(_("Attach at least one of the documents asked for."))
    with transaction.atomic():
        order = _require(order, Status.WAITING_CUSTOMER)
        application = _application(order)
        wanting = {row.code: row for row in application.documents.filter(is_company=False, verdict__in=NOT_ACCEPTED)}
        unknown = [code for code in files if code not in wanting]
        if unknown:
            raise ValidationError({code: [_("This document was not asked for.")] for code in unknown})
        for code, upload in files.items():
            row = wanting.pop(code)
            row.attachment = attachments.add_attachment(order, by=by, upload=upload)
            row.verdict, row.reason = Verdict.PENDING, ""
            row.save(update_fields=["attachment", "verdict", "reason"])
        if not wanting:
            order = _enter(order, Stage.ACCEPTANCE, by=by, note=_("The documents asked for are supplied."))
            notifications.notify(
                order,
                template="documents_supplied",
                recipients=[order.assigned_to] if order.assigned_to_id else notifications.supervisors_of(order),
                dedupe=f"documents_supplied:{order.pk}:{timezone.now().timestamp()}",
            )
    return order


def accept_application(order: WorkOrder, *, by: User, survey: str = "") -> WorkOrder:
    """Accept the application once every document is accepted (with the site survey's finding for low
    voltage): the supply plan stage begins."""
    with transaction.atomic():
        order = _require(order, Stage.ACCEPTANCE)
        application = _application(order)
        if application.documents.filter(is_company=False).exclude(verdict=Verdict.ACCEPTED).exists():
            raise StageRefused(order, _("Every document must be accepted before the application is."))
        return _enter(order, Stage.SUPPLY_PLAN, by=by, note=survey)


def _company_document(
    order: WorkOrder, application: BusinessApplication, code: str, upload: UploadedFile | None, *, by: User
) -> None:
    """Attach one of the company's documents (supply plan, inspection result, contract) at its stage."""
    if upload is None:
        return
    attachment = attachments.add_attachment(order, by=by, upload=upload)
    ApplicationDocument.objects.create(
        application=application,
        code=code,
        is_company=True,
        attachment=attachment,
        verdict=Verdict.ACCEPTED,
        reviewed_by=by,
        reviewed_at=attachment.uploaded_at,
        added_at=attachment.uploaded_at,
    )


def reply_supply_plan(order: WorkOrder, *, by: User, plan: UploadedFile | None, note: str) -> WorkOrder:
    """Reply the supply plan (its document attached): the customer's design and construction begin."""
    with transaction.atomic():
        order = _require(order, Stage.SUPPLY_PLAN)
        _company_document(order, _application(order), DocumentCode.SUPPLY_PLAN, plan, by=by)
        order = _enter(order, Stage.CONSTRUCTION, by=by, note=note)
        tell_customer(order, template="supply_plan_replied", context={"note": note}, dedupe=f"supply_plan:{order.pk}")
    return order


# --- The customer's construction and the company's checks -------------------------------------------------


def _stage_applies(order: WorkOrder, application: BusinessApplication, stage: str) -> None:
    if spec_for(application, stage) is None:
        raise StageRefused(order, _("“%(stage)s” is for important customers only.") % {"stage": Stage(stage).label})


def submit_design(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """The customer submits the design for review (important customers, once per approval)."""
    with transaction.atomic():
        order = _require(order, Stage.CONSTRUCTION)
        application = _application(order)
        _stage_applies(order, application, Stage.DESIGN_REVIEW)
        if application.design_approved_at is not None:
            raise StageRefused(order, _("The design is approved already."))
        return _enter(order, Stage.DESIGN_REVIEW, by=by, note=note)


def review_design(
    order: WorkOrder, *, by: User, approved: bool, opinion: str, file: UploadedFile | None = None
) -> WorkOrder:
    """Record the design review's opinion: approved, or returned to the customer with what to change."""
    if not approved and not opinion.strip():
        raise ValidationError({"opinion": [_("Say what must change in the design.")]})
    with transaction.atomic():
        order = _require(order, Stage.DESIGN_REVIEW)
        application = _application(order)
        _company_document(order, application, DocumentCode.DESIGN_REVIEW, file, by=by)
        if approved:
            application.design_approved_at = timezone.now()
            application.save(update_fields=["design_approved_at"])
        order = _enter(order, Stage.CONSTRUCTION, by=by, note=opinion)
        tell_customer(
            order,
            template="stage_result",
            context={"note": opinion},
            dedupe=f"design:{order.pk}:{order.status}:{timezone.now().timestamp()}",
        )
    return order


def request_mid_inspection(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """The customer asks for the mid-construction inspection (important customers, after the design review)."""
    with transaction.atomic():
        order = _require(order, Stage.CONSTRUCTION)
        application = _application(order)
        _stage_applies(order, application, Stage.MID_INSPECTION)
        if application.design_approved_at is None:
            raise StageRefused(order, _("The design must be approved first."))
        if application.mid_passed_at is not None:
            raise StageRefused(order, _("The mid-construction inspection is passed already."))
        return _enter(order, Stage.MID_INSPECTION, by=by, note=note)


def record_mid_inspection(
    order: WorkOrder, *, by: User, passed: bool, defects: str, file: UploadedFile | None = None
) -> WorkOrder:
    """Record the mid-construction inspection: passed, or its defects to put right; construction goes on."""
    return _inspection(order, by=by, stage=Stage.MID_INSPECTION, passed=passed, defects=defects, file=file)


def report_completion(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """The customer reports construction complete and asks for the completion inspection."""
    with transaction.atomic():
        order = _require(order, Stage.CONSTRUCTION)
        application = _application(order)
        if spec_for(application, Stage.DESIGN_REVIEW) and application.design_approved_at is None:
            raise StageRefused(order, _("The design must be approved first."))
        if spec_for(application, Stage.MID_INSPECTION) and application.mid_passed_at is None:
            raise StageRefused(order, _("The mid-construction inspection must be passed first."))
        return _enter(order, Stage.FINAL_INSPECTION, by=by, note=note)


def record_final_inspection(
    order: WorkOrder,
    *,
    by: User,
    passed: bool,
    defects: str = "",
    file: UploadedFile | None = None,
    contract: UploadedFile | None = None,
    fees: Decimal | None = None,
) -> WorkOrder:
    """Record the completion inspection. Passed: the supply contract is signed and the fees set, and meter
    installation follows. Failed: its defects are listed and the order returns to construction."""
    if passed and (contract is None or fees is None):
        raise ValidationError({"contract": [_("Attach the signed supply contract and give the fees.")]})
    with transaction.atomic():
        order = _inspection(order, by=by, stage=Stage.FINAL_INSPECTION, passed=passed, defects=defects, file=file)
        if passed:
            application = _application(order)
            _company_document(order, application, DocumentCode.CONTRACT, contract, by=by)
            application.fees = fees
            application.save(update_fields=["fees"])
    return order


def _inspection(
    order: WorkOrder, *, by: User, stage: str, passed: bool, defects: str, file: UploadedFile | None
) -> WorkOrder:
    if not passed and not defects.strip():
        raise ValidationError({"defects": [_("List the defects to put right.")]})
    with transaction.atomic():
        order = _require(order, stage)
        application = _application(order)
        code = DocumentCode.MID_INSPECTION if stage == Stage.MID_INSPECTION else DocumentCode.FINAL_INSPECTION
        _company_document(order, application, code, file, by=by)
        if passed and stage == Stage.MID_INSPECTION:
            application.mid_passed_at = timezone.now()
            application.save(update_fields=["mid_passed_at"])
        to = Stage.ENERGISATION if passed and stage == Stage.FINAL_INSPECTION else Stage.CONSTRUCTION
        note = _("Passed.") if passed else _("Defects to put right: %(defects)s") % {"defects": defects}
        order = _enter(order, to, by=by, note=note)
        now = timezone.now()
        tell_customer(
            order, template="stage_result", context={"note": note}, dedupe=f"{stage}:{order.pk}:{now.timestamp()}"
        )
    return order


def energise(order: WorkOrder, *, by: User, meter_number: str) -> WorkOrder:
    """Install the meter and energise: the company's work is done and every clock stops."""
    if not meter_number.strip():
        raise ValidationError({"meter_number": [_("Give the meter's number.")]})
    with transaction.atomic():
        order = _require(order, Stage.ENERGISATION)
        application = _application(order)
        application.meter_number, application.energised_at = meter_number.strip(), timezone.now()
        application.save(update_fields=["meter_number", "energised_at"])
        result = _("Energised; meter %(meter)s.") % {"meter": application.meter_number}
        order = _enter(order, Status.RESOLVED, by=by, note=result)
        order.result = result
        order.save(update_fields=["result"])
        tell_customer(order, template="order_resolved", context={"note": result}, dedupe=f"energised:{order.pk}")
    return order


def cancel_application(order: WorkOrder, *, by: User, reason: str) -> WorkOrder:
    """Withdraw the application (at the customer's word): every clock stops."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})
    with transaction.atomic():
        return _enter(actions.lock(order), Status.CANCELLED, by=by, note=reason)


# --- Changes of use (变更用电) ------------------------------------------------------------------------------


def file_change_of_use(
    *,
    by: User,
    channel: str,
    change_type: str,
    account: ElectricityAccount,
    start_on: date,
    description: str = "",
    end_on: date | None = None,
    new_capacity_kva: Decimal | None = None,
    new_voltage_level: str = "",
    new_tariff_code: str = "",
    new_holder_name: str = "",
    new_address: str = "",
    other_account: ElectricityAccount | None = None,
    contact_phone: str = "",
) -> WorkOrder:
    """Open a change of use on `account` once its type's rules are met (services.connections.changes)."""
    if by.is_customer and account.linked_user_id != by.pk:
        raise ValidationError({"account": [_("Choose one of the accounts linked to you.")]})
    if not (by.is_customer or by.is_employee):
        raise ValidationError(_("Only customers and staff can apply for a change of use."))
    _check_filer(by, grid=account.grid)
    fields = {
        "end_on": end_on,
        "new_capacity_kva": new_capacity_kva,
        "new_voltage_level": new_voltage_level,
        "new_tariff_code": new_tariff_code.strip(),
        "new_holder_name": new_holder_name.strip(),
        "new_address": new_address.strip(),
        "other_account": other_account,
    }
    changes.check(changes.Request(change_type=change_type, account=account, start_on=start_on, **fields))
    new = NewOrder(
        kind=CHANGE_OF_USE,
        channel=channel,
        description=description or str(ChangeType(change_type).label),
        sub_type=change_type,
        customer_id=account.customer_id,
        account_id=account.pk,
        grid_id=account.grid_id,
        contact_phone=contact_phone or (by.phone if by.is_customer else "") or account.customer.phone,
        location=account.address,
        reported_by=by if by.is_customer else None,
    )
    with transaction.atomic():
        order = actions.open_order(new, by=by)
        ChangeOfUse.objects.create(order=order, change_type=change_type, start_on=start_on, **fields)
        sla.start_clock(order, "resolution", at=order.opened_at, new=True)
        order = routing.route_order(order, by=by)
        tell_customer(order, template="order_accepted", dedupe=f"order_accepted:{order.pk}")
    return order


def start_change(order: WorkOrder, *, by: User) -> WorkOrder:
    """Take the change of use up."""
    return actions.change_status(order, Status.IN_PROGRESS, by=by, from_statuses=[Status.ASSIGNED])


def complete_change(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """Carry the change out: apply its effect to the account, record it in the account's history, resolve.

    A transfer or closure is checked for arrears again here: billing may have found some since the filing.
    """
    with transaction.atomic():
        order = actions.lock(order)
        change = ChangeOfUse.objects.select_for_update().get(pk=order.pk)
        if order.status != Status.IN_PROGRESS or change.applied_at is not None:
            raise TransitionRefused(order, Status.RESOLVED)
        account = ElectricityAccount.objects.select_for_update().select_related("customer").get(pk=order.account_id)
        if change.change_type in (ChangeType.TRANSFER, ChangeType.CLOSURE) and account.arrears_since is not None:
            raise StageRefused(order, _("The account has unpaid bills; settle them first."))
        now = timezone.now()
        AccountChange.objects.create(
            account=account,
            order=order,
            change_type=change.change_type,
            changes=changes.effect(change, account),
            start_on=change.start_on,
            end_on=change.end_on,
            at=now,
            by=by,
        )
        change.applied_at = now
        change.save(update_fields=["applied_at"])
        result = note or _("The change is made to the account.")
        order = actions.change_status(order, Status.RESOLVED, by=by, note=result)
        order.result = result
        order.save(update_fields=["result"])
        sla.stop_clock(order, "resolution", at=now)
        tell_customer(order, template="order_resolved", context={"note": result}, dedupe=f"change_done:{order.pk}")
    return order
