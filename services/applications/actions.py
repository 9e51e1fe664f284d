"""Service applications (服务申请): filing one, working it, waiting for the customer's evidence, resolving it.

The `resolution` clock starts at filing from the sub-type's policy (24 h for reconnection and for appliance
damage, 4 to 6 working days for the meter sub-types, 5 for the rest) and pauses while the company waits for
the customer, so the due time moves on by the wait. Closing is services.actions.close_order, shared by every
kind.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, ElectricityAccount, User
from services import actions, routing, sla
from services.actions import NewOrder, tell_customer
from services.applications.models import SERVICE_APPLICATION, ServiceApplication, ServiceApplicationType
from services.models import Priority, Status, WorkOrder


def file_service_application(
    *,
    by: User,
    channel: str,
    application_type: str,
    description: str,
    account: ElectricityAccount,
    contact_phone: str = "",
) -> WorkOrder:
    """Open a service application on `account`, start its `resolution` clock and route it.

    A customer files for one of their linked accounts; staff for any account. Raises ValidationError otherwise.
    """
    if by.is_customer and account.linked_user_id != by.pk:
        raise ValidationError(_("Choose one of the accounts linked to you."))
    if not (by.is_customer or by.is_employee):
        raise ValidationError(_("Only customers and staff can file a service application."))
    if account.status == AccountStatus.CLOSED:
        raise ValidationError(_("Account %(number)s is closed.") % {"number": account.number})
    urgent = application_type in (ServiceApplicationType.RECONNECTION, ServiceApplicationType.APPLIANCE_DAMAGE)
    new = NewOrder(
        kind=SERVICE_APPLICATION,
        channel=channel,
        description=description,
        sub_type=application_type,
        customer_id=account.customer_id,
        account_id=account.pk,
        grid_id=account.grid_id,
        contact_phone=contact_phone or (by.phone if by.is_customer else "") or account.customer.phone,
        location=account.address,
        reported_by=by if by.is_customer else None,
        priority=Priority.HIGH if urgent else Priority.NORMAL,
    )
    with transaction.atomic():
        order = actions.open_order(new, by=by)
        ServiceApplication.objects.create(order=order, application_type=application_type)
        sla.start_clock(order, "resolution", at=order.opened_at, new=True)
        order = routing.route_order(order, by=by)
        tell_customer(order, template="order_accepted", dedupe=f"order_accepted:{order.pk}")
    return order


def start_work(order: WorkOrder, *, by: User) -> WorkOrder:
    """Start work on the application (its assignee takes it up)."""
    return actions.change_status(order, Status.IN_PROGRESS, by=by, from_statuses=[Status.ASSIGNED])


def request_evidence(order: WorkOrder, *, by: User, note: str) -> WorkOrder:
    """Ask the customer for evidence (photos, receipts): the order waits and `resolution` pauses."""
    with transaction.atomic():
        order = actions.change_status(order, Status.WAITING_CUSTOMER, by=by, note=note)
        now = timezone.now()
        ServiceApplication.objects.filter(pk=order.pk).update(evidence_requested_at=now)
        sla.pause_clock(order, "resolution", by=by, note=note, at=now)
        tell_customer(
            order,
            template="evidence_requested",
            context={"note": note},
            dedupe=f"evidence_requested:{order.pk}:{now.timestamp()}",
        )
    return order


def receive_evidence(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """Record the customer's evidence: work and `resolution` resume, its due time moved on by the wait."""
    with transaction.atomic():
        order = actions.change_status(
            order, Status.IN_PROGRESS, by=by, note=note, from_statuses=[Status.WAITING_CUSTOMER]
        )
        now = timezone.now()
        ServiceApplication.objects.filter(pk=order.pk).update(evidence_received_at=now)
        sla.resume_clock(order, "resolution", by=by, note=note, at=now)
    return order


def resolve(order: WorkOrder, *, by: User, result: str) -> WorkOrder:
    """Record the result, stop `resolution` (met or breached) and tell the customer."""
    if not result.strip():
        raise ValidationError(_("Say what was done."))
    with transaction.atomic():
        order = actions.change_status(order, Status.RESOLVED, by=by, note=result)
        order.result = result
        order.save(update_fields=["result"])
        now = timezone.now()
        sla.stop_clock(order, "resolution", at=now)
        tell_customer(
            order,
            template="order_resolved",
            context={"note": result},
            dedupe=f"order_resolved:{order.pk}:{now.timestamp()}",
        )
    return order
