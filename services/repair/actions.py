"""Fault repair (故障报修): the report, its triage, the crew's steps and the customer's word at the end.

Triage, in this order (DOMAIN.md section 5):
- no power on an account cut for arrears: the 台区's customer manager takes it and the customer is told how to
  pay and that supply returns within 24 h of payment; resolved at once, no crew;
- a fault inside the customer's premises (the member of staff taking the call says so): guidance or a paid
  service offer, resolved at once, no crew;
- no power on a 台区 with a live outage: the report joins that outage (one crew, every customer told when power
  is back);
- anything else goes to the area's repair team, to its least-loaded available crew member; a report of no
  power in the area opens an outage event that later reports from the 台区 join.

Clocks: `arrival` starts at the report. Where triage removes the need for a crew it is stopped at once, which
counts as met: the company answered within the limit, and a report it settles by telephone must not show as
a late crew. A report that joins an outage keeps its `arrival` clock running until the outage's crew arrives
(stopped at once if the crew is already there, or if the outage is planned and no crew goes). Arrival stops
`arrival` and starts `restoration`, which restoration stops. A crew that cannot complete hands the order back
for another dispatch with `restoration` still running; a disputed restoration is a new dispatch with a new
`arrival` clock.

Every status change goes through services.actions.change_status, the one place transitions are checked
(this kind's table is in services.repair.kind).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ElectricityAccount, ServiceGrid, Suspension, User
from services import actions, attachments, notifications, routing, sla
from services.actions import NewOrder, close_order, tell_customer
from services.models import Clock, ClockState, Priority, Status, WorkOrder
from services.notices import actions as notices
from services.notices.models import OutageNotice
from services.repair.models import (
    FAULT_REPAIR,
    FaultReport,
    FaultType,
    OutageEvent,
    OutageKind,
    RepairStatus,
    Triage,
)

__all__ = [
    "accept_dispatch",
    "arrive",
    "close_order",
    "confirm_restoration",
    "depart",
    "dispatch",
    "dispute_restoration",
    "report_fault",
    "report_unable",
    "restore",
]

# Reports that a known outage explains, and that an account cut for arrears explains.
NO_POWER = frozenset({FaultType.NO_POWER_HOME, FaultType.NO_POWER_AREA})


# --- The report and its triage --------------------------------------------------------------------------


def report_fault(
    *,
    by: User,
    channel: str,
    fault_type: str,
    description: str,
    account: ElectricityAccount | None = None,
    grid: ServiceGrid | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    location: str = "",
    inside_premises: bool = False,
    photo: UploadedFile | None = None,
) -> WorkOrder:
    """Open a fault-repair order, start its `arrival` clock and triage it (see the module's docstring).

    A customer reports on one of their linked accounts; staff enter an account, or for a caller with no
    account a 台区, a location and a contact phone. `inside_premises` is staff's finding on the call; `photo`
    is the reporter's picture of the fault, attached to the order.
    Raises ValidationError when the reporter's details do not allow a report.
    """
    _check_reporter(by, account=account, grid=grid, contact_phone=contact_phone, location=location)
    new = NewOrder(
        kind=FAULT_REPAIR,
        channel=channel,
        description=description,
        sub_type=fault_type,
        customer_id=account.customer_id if account else None,
        account_id=account.pk if account else None,
        grid_id=account.grid_id if account else grid.pk,
        contact_name=contact_name,
        contact_phone=contact_phone or _phone_of(by, account),
        location=location or (account.address if account else ""),
        reported_by=by if by.is_customer else None,
        priority=Priority.URGENT if fault_type == FaultType.DANGER else Priority.HIGH,
    )
    with transaction.atomic():
        order = actions.open_order(new, by=by)
        if account is not None:
            # The clock's policy and the triage read the order's account and 台区: they are the ones in hand.
            order.account, order.grid = account, account.grid
        # Written by the triage with what it finds (one INSERT, not an INSERT and then an UPDATE).
        fault = FaultReport(order=order, fault_type=fault_type)
        if photo is not None:  # a refused file (type, size) refuses the report with it: nothing half-filed
            attachments.add_attachment(order, by=by, upload=photo, public=True)
        sla.start_clock(order, "arrival", at=order.opened_at, new=True)
        order = _triage(order, fault, by=by, inside_premises=inside_premises and by.is_employee)
    return order


def _check_reporter(
    by: User, *, account: ElectricityAccount | None, grid: ServiceGrid | None, contact_phone: str, location: str
) -> None:
    if account is not None and account.status == AccountStatus.CLOSED:
        raise ValidationError(_("Account %(number)s is closed.") % {"number": account.number})
    if by.is_customer:
        if account is None or account.linked_user_id != by.pk:
            raise ValidationError(_("Choose one of the accounts linked to you."))
    elif not by.is_employee:
        raise ValidationError(_("Only customers and staff can report a fault."))
    elif account is None and not (grid and contact_phone and location):
        raise ValidationError(_("Without an account, give the 台区, the location and a contact phone."))


def _phone_of(by: User, account: ElectricityAccount | None) -> str:
    if by.is_customer and by.phone:
        return by.phone
    return account.customer.phone if account is not None else ""


def _triage(order: WorkOrder, fault: FaultReport, *, by: User, inside_premises: bool) -> WorkOrder:
    # Only a cut for arrears (billing writes it) is the customer's to lift by paying; a suspension at the customer's
    # request or a removed meter is not "cut for unpaid bills".
    if fault.fault_type in NO_POWER and order.account and order.account.suspension == Suspension.ARREARS:
        guidance = _(
            "Supply to this account is cut for unpaid bills. Pay at a business hall, on the website or in the "
            "app; supply is reconnected within 24 hours of payment."
        )
        return _settle_without_crew(order, fault, Triage.ARREARS, guidance, by=by)
    if inside_premises:
        guidance = _(
            "The fault is inside your premises, which the company does not maintain. Check your main switch and "
            "residual-current device, call a qualified electrician, or ask us for a paid repair visit."
        )
        return _settle_without_crew(order, fault, Triage.PREMISES, guidance, by=by)
    outage = live_outage(order.grid) if fault.fault_type in NO_POWER else None
    if outage is not None:
        return _join_outage(order, fault, outage, by=by)
    notice = live_notice(order.grid) if fault.fault_type in NO_POWER else None
    if notice is not None:
        return _settle_without_crew(order, fault, Triage.OUTAGE, _announced(notice), by=by)
    fault.triage = Triage.GRID
    if fault.fault_type == FaultType.NO_POWER_AREA:
        fault.outage = OutageEvent.objects.create(
            grid=order.grid, kind=OutageKind.FAULT, started_at=order.opened_at, lead_order=order, created_by=by
        )
    fault.save(force_insert=True)
    if fault.outage is not None:
        # Every customer on the 台区 hears of it at once (one set-based insert into the outbox).
        notices.publish_fault_outage(fault.outage.pk)
    return dispatch(order, by=by)


def live_notice(grid: ServiceGrid) -> OutageNotice | None:
    """A live announced outage (planned or temporary maintenance) covering the 台区, if any."""
    return OutageNotice.objects.live().for_grids([grid.pk]).order_by("starts_at", "pk").first()


def _announced(notice: OutageNotice) -> str:
    return _(
        "Power is off on this 台区 for announced work (%(reason)s) until about %(end)s. No crew is needed; "
        "supply returns when the work is done."
    ) % {"reason": notice.reason, "end": f"{timezone.localtime(notice.ends_at):%Y-%m-%d %H:%M}"}


def live_outage(grid: ServiceGrid) -> OutageEvent | None:
    """The outage going on now on the 台区 (started, not restored), if any."""
    outages = OutageEvent.objects.filter(grid=grid, restored_at__isnull=True, started_at__lte=timezone.now())
    return outages.select_related("lead_order__fault").order_by("started_at", "pk").first()


def _settle_without_crew(order: WorkOrder, fault: FaultReport, triage: str, guidance: str, *, by: User) -> WorkOrder:
    """Resolve at triage: the 台区's customer manager holds the order; the customer gets the guidance."""
    fault.triage = triage
    fault.save(force_insert=True)
    order = actions.change_status(order, Status.RESOLVED, by=by, note=guidance)
    order.result = guidance
    order.save(update_fields=["result"])
    manager = routing.customer_manager_for(order.grid)
    if manager is not None:
        order = actions.assign(order, manager, by=by, note=Triage(triage).label)
    sla.stop_clock(order, "arrival")
    tell_customer(order, template="order_resolved", context={"note": guidance}, dedupe=f"triage:{order.pk}")
    return order


def _join_outage(order: WorkOrder, fault: FaultReport, outage: OutageEvent, *, by: User) -> WorkOrder:
    fault.triage, fault.outage = Triage.OUTAGE, outage
    fault.save(force_insert=True)
    lead = outage.lead_order
    note = _("Part of the outage on this 台区 since %(time)s, led by order %(number)s.") % {
        "time": f"{timezone.localtime(outage.started_at):%Y-%m-%d %H:%M}",
        "number": lead.number if lead else "-",
    }
    order = actions.change_status(order, RepairStatus.JOINED_OUTAGE, by=by, note=note)
    order.department_id = lead.department_id if lead else order.grid.department_id
    order.save(update_fields=["department"])
    if lead is None or lead.fault.arrived_at is not None:
        sla.stop_clock(order, "arrival")
    if lead is not None and _has_live_clock(lead, "restoration"):
        sla.start_clock(order, "restoration")
    tell_customer(order, template="outage_joined", dedupe=f"outage_joined:{order.pk}")
    return order


def dispatch(order: WorkOrder, *, by: User | None, exclude: User | None = None) -> WorkOrder:
    """Give the order to the least-loaded available crew member of the area's repair team, and tell the customer.

    With nobody free it waits in the team's queue for a supervisor (services.actions.assign), and the customer
    hears that it is accepted.
    """
    order = routing.route_order(order, by=by, exclude=exclude)
    stamp = timezone.now().timestamp()
    template = "crew_dispatched" if order.assigned_to_id else "order_accepted"
    tell_customer(order, template=template, dedupe=f"{template}:{order.pk}:{stamp}")
    return order


# --- The crew's steps -----------------------------------------------------------------------------------


def accept_dispatch(order: WorkOrder, *, by: User) -> WorkOrder:
    """Record that the crew has taken the dispatch."""
    return actions.change_status(order, RepairStatus.ACCEPTED, by=by)


def depart(order: WorkOrder, *, by: User) -> WorkOrder:
    """Record that the crew has set off, and tell the customer it is on the way."""
    with transaction.atomic():
        order = actions.change_status(order, RepairStatus.DEPARTED, by=by, from_statuses=[RepairStatus.ACCEPTED])
        now = timezone.now()
        FaultReport.objects.filter(pk=order.pk).update(departed_at=now)
        tell_customer(order, template="crew_departed", dedupe=f"crew_departed:{order.pk}:{now.timestamp()}")
    return order


def arrive(order: WorkOrder, *, by: User) -> WorkOrder:
    """Record the crew on site: stop `arrival` and start `restoration`, here and on the reports joined to it."""
    with transaction.atomic():
        order = actions.change_status(order, RepairStatus.ARRIVED, by=by, from_statuses=[RepairStatus.DEPARTED])
        now = timezone.now()
        FaultReport.objects.filter(pk=order.pk).update(arrived_at=now)
        for each in [order, *joined_orders(order)]:
            _crew_reached(each, at=now)
        tell_customer(order, template="crew_arrived", dedupe=f"crew_arrived:{order.pk}:{now.timestamp()}")
    return order


def _crew_reached(order: WorkOrder, *, at: datetime) -> None:
    # After "cannot complete" a second crew arrives with `arrival` stopped and `restoration` already running:
    # stopping a stopped clock does nothing, and starting a running one returns it as it is.
    sla.stop_clock(order, "arrival", at=at)
    sla.start_clock(order, "restoration", at=at)


def _has_live_clock(order: WorkOrder, name: str) -> bool:
    return Clock.objects.filter(order=order, name=name, state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()


def joined_orders(order: WorkOrder) -> list[WorkOrder]:
    """The reports still waiting on the outage that `order` leads (none if it leads none)."""
    orders = WorkOrder.objects.filter(fault__outage__lead_order=order, status=RepairStatus.JOINED_OUTAGE).exclude(
        pk=order.pk
    )
    return list(orders.select_related("reported_by", "account__linked_user").order_by("pk"))


def restore(order: WorkOrder, *, by: User, cause: str) -> WorkOrder:
    """Record that power is back and why, and stop `restoration`.

    If the order leads an outage, the outage ends and every report that joined it is resolved, each customer told.
    """
    if not cause.strip():
        raise ValidationError(_("Give the cause of the fault."))
    with transaction.atomic():
        note = _("Power restored. Cause: %(cause)s") % {"cause": cause}
        order = actions.change_status(order, Status.RESOLVED, by=by, note=note, from_statuses=[RepairStatus.ARRIVED])
        now = timezone.now()
        order.result = note
        order.save(update_fields=["result"])
        FaultReport.objects.filter(pk=order.pk).update(restored_at=now, cause=cause[:200])
        sla.stop_clock(order, "restoration", at=now)
        led = list(OutageEvent.objects.filter(lead_order=order, restored_at__isnull=True).values_list("pk", flat=True))
        ended = OutageEvent.objects.filter(pk__in=led).update(restored_at=now, cause=cause[:200])
        for outage_id in led:  # the 台区 hears power is back; the reporters then hear of their own report
            notices.close_fault_outage(outage_id, at=now)
        tell_customer(order, template="power_restored", dedupe=f"power_restored:{order.pk}:{now.timestamp()}")
        if ended:
            for joined in joined_orders(order):
                _restore_joined(joined, by=by, note=note, at=now)
    return order


def _restore_joined(order: WorkOrder, *, by: User, note: str, at: datetime) -> None:
    order = actions.change_status(order, Status.RESOLVED, by=by, note=note)
    order.result = note
    order.save(update_fields=["result"])
    FaultReport.objects.filter(pk=order.pk).update(restored_at=at)
    sla.stop_clock(order, "arrival", at=at)
    sla.stop_clock(order, "restoration", at=at)
    tell_customer(order, template="power_restored", dedupe=f"power_restored:{order.pk}:{at.timestamp()}")


def report_unable(order: WorkOrder, *, by: User, reason: str) -> WorkOrder:
    """Record that the crew on site cannot complete (the reason on the timeline) and dispatch another crew."""
    if not reason.strip():
        raise ValidationError(_("Say why the repair cannot be completed."))
    with transaction.atomic():
        crew = actions.lock(order).assigned_to
        order = actions.change_status(
            order, Status.ASSIGNED, by=by, note=reason, public=False, from_statuses=[RepairStatus.ARRIVED]
        )
        FaultReport.objects.filter(pk=order.pk).update(unable_reason=reason[:500])
        order = dispatch(order, by=by, exclude=crew)
    return order


# --- The customer's word and the close ------------------------------------------------------------------


def confirm_restoration(order: WorkOrder, *, by: User) -> WorkOrder:
    """Close the order on the customer's confirmation that power is back; the return-visit link follows."""
    with transaction.atomic():
        order = close_order(order, by=by)
        FaultReport.objects.filter(pk=order.pk).update(customer_confirmed=True)
    return order


def dispute_restoration(order: WorkOrder, *, by: User, note: str) -> WorkOrder:
    """Reopen on the customer's word that the fault remains: tell the crew and supervisor, dispatch again."""
    with transaction.atomic():
        order = actions.change_status(order, Status.ASSIGNED, by=by, note=note, from_statuses=[Status.RESOLVED])
        FaultReport.objects.filter(pk=order.pk).update(customer_confirmed=False, triage=Triage.GRID)
        sla.start_clock(order, "arrival")
        notifications.notify(
            order,
            template="restoration_disputed",
            recipients=[order.assigned_to, *notifications.supervisors_of(order)],
            context={"note": note},
            dedupe=f"restoration_disputed:{order.pk}:{timezone.now().timestamp()}",
        )
        order = dispatch(order, by=by)
    return order
