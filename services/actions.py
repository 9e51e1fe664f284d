"""Every change to a work order that matters, whatever its kind.

Each function takes the acting user as `by`, runs in one transaction, locks the order row, appends to the
timeline (services.events) and queues side effects to run after commit. Kind-specific steps (services.repair,
services.applications) are built from these.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from services import events, kinds, notifications
from services.models import EventKind, Priority, Status, WorkOrder
from services.models.orders import allowed_transitions


class TransitionRefused(Exception):
    """A status change the order's kind does not allow from its current status (409 in the API)."""

    def __init__(self, order: WorkOrder, to: str) -> None:
        self.order, self.to = order, to
        self.message = _("A %(kind)s order cannot go from “%(old)s” to “%(new)s”.") % {
            "kind": order.get_kind_display(),
            "old": order.get_status_display(),
            "new": kinds.status_label(to),
        }
        super().__init__(self.message)


class ChaseRefused(TransitionRefused):
    """A chase on an order that is no longer open: its own message, and a 409 wherever transitions are caught."""

    def __init__(self, order: WorkOrder) -> None:
        # Not TransitionRefused.__init__: its message describes a move, and a chase is not one.
        self.order, self.to = order, order.status
        self.message = _("Request %(number)s is %(status)s; only a request still being worked can be chased.") % {
            "number": order.number,
            "status": order.get_status_display().lower(),
        }
        Exception.__init__(self, self.message)


class TooSoon(Exception):
    """A customer's step repeated sooner than its limit allows (it notifies staff each time): 429, nothing done,
    and `again_at` says when it may be taken again (Retry-After)."""

    def __init__(self, message: str, again_at: datetime) -> None:
        self.message, self.again_at = message, again_at
        super().__init__(message)

    def retry_after(self, now: datetime) -> int:
        return max(1, int((self.again_at - now).total_seconds()) + 1)


class ChaseTooSoon(TooSoon):
    """A chase within settings.CHASE_INTERVAL of the last one on the order."""

    def __init__(self, order: WorkOrder, again_at: datetime) -> None:
        message = _("You chased request %(number)s a short while ago; you can chase it again after %(time)s.") % {
            "number": order.number,
            "time": f"{timezone.localtime(again_at):%H:%M}",
        }
        super().__init__(message, again_at)


@dataclass(frozen=True)
class NewOrder:
    """What every kind of request needs to open an order; the kind's own action adds its particulars."""

    kind: str
    channel: str
    description: str
    sub_type: str = ""
    customer_id: int | None = None
    account_id: int | None = None
    grid_id: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    location: str = ""
    reported_by: User | None = None
    priority: int = Priority.NORMAL


def open_order(new: NewOrder, *, by: User | None) -> WorkOrder:
    """Create a work order with its number and its first timeline event (call inside the kind's transaction)."""
    now = timezone.now()
    order = WorkOrder.objects.create(
        kind=new.kind,
        sub_type=new.sub_type,
        channel=new.channel,
        description=new.description,
        customer_id=new.customer_id,
        account_id=new.account_id,
        grid_id=new.grid_id,
        contact_name=new.contact_name,
        contact_phone=new.contact_phone,
        location=new.location,
        reported_by=new.reported_by,
        created_by=by,
        priority=new.priority,
        opened_at=now,
    )
    # The number is the local acceptance date and the row id: unique without a shared counter to contend for.
    order.number = f"{timezone.localdate(now):%Y%m%d}{order.pk:08d}"
    order.save(update_fields=["number"])
    events.record(order, EventKind.CREATED, by=by, new=order.number, public=True, at=now)
    return order


def lock(order: WorkOrder) -> WorkOrder:
    """Re-read the order with its row locked for the rest of the transaction.

    The related rows already read with `order` (its account, 台区, reporter…) stay with the fresh row while it
    still points at them: the lock is on the order's own columns, and reading those rows again after it would
    cost a query each and tell nothing newer.
    """
    fresh = WorkOrder.objects.select_for_update().get(pk=order.pk)
    for field in WorkOrder._meta.concrete_fields:
        if not (field.is_relation and field.is_cached(order)):
            continue
        if getattr(fresh, field.attname) == getattr(order, field.attname):
            field.set_cached_value(fresh, field.get_cached_value(order))
    return fresh


def change_status(
    order: WorkOrder,
    to: str,
    *,
    by: User | None,
    note: str = "",
    public: bool = True,
    from_statuses: Collection[str] | None = None,
) -> WorkOrder:
    """Move the order to `to` if its kind allows it from where it is; else raise TransitionRefused.

    `from_statuses` narrows it for a step that means one move only (evidence received: from waiting, not from
    assigned, though both may go to in progress).
    """
    with transaction.atomic():
        order = lock(order)
        if to not in allowed_transitions(order.kind, order.status):
            raise TransitionRefused(order, to)
        if from_statuses is not None and order.status not in from_statuses:
            raise TransitionRefused(order, to)
        old = order.status
        order.status = to
        fields = ["status"]
        if to in (Status.CLOSED, Status.CANCELLED):
            order.closed_at = timezone.now()
            fields.append("closed_at")
        order.save(update_fields=fields)
        events.record(order, EventKind.STATUS_CHANGED, by=by, old=old, new=to, note=note, public=public)
    return order


def assign(order: WorkOrder, assignee: User, *, by: User | None, note: str = "") -> WorkOrder:
    """Give the order to `assignee` (a new order becomes assigned); the department follows the assignee's."""
    with transaction.atomic():
        order = lock(order)
        old = order.assigned_to
        order.assigned_to = assignee
        order.department_id = assignee.department_id or order.department_id
        fields = ["assigned_to", "department"]
        if order.status == Status.NEW:
            order.status = Status.ASSIGNED
            fields.append("status")
        order.save(update_fields=fields)
        event = events.record(order, EventKind.ASSIGNED, by=by, old=old or "", new=assignee, note=note)
        notifications.notify(
            order, template="order_assigned", recipients=[assignee], dedupe=f"order_assigned:{order.pk}:{event.pk}"
        )
    return order


def transfer(order: WorkOrder, department: Department, *, by: User | None, note: str) -> WorkOrder:
    """Pass the order to another department (内转外不转: inside the company, never back to the customer)."""
    with transaction.atomic():
        order = lock(order)
        old = order.department
        order.department, order.assigned_to = department, None
        order.save(update_fields=["department", "assigned_to"])
        event = events.record(order, EventKind.TRANSFERRED, by=by, old=old or "", new=department, note=note)
        notifications.notify(
            order,
            template="order_transferred",
            recipients=notifications.supervisors_of(order),
            context={"note": note},
            dedupe=f"order_transferred:{order.pk}:{event.pk}",
        )
    return order


def add_comment(order: WorkOrder, *, by: User, text: str, public: bool) -> None:
    """Add a staff comment: internal, or a message to the customer, who is told of it."""
    with transaction.atomic():
        order = lock(order)
        event = events.record(order, EventKind.COMMENT, by=by, note=text, public=public)
        if public:
            tell_customer(order, template="staff_message", context={"note": text}, dedupe=f"staff_message:{event.pk}")


class TooManyMessages(TooSoon):
    """A customer's messages on one order beyond settings.CUSTOMER_MESSAGES_PER_HOUR."""

    def __init__(self, order: WorkOrder, again_at: datetime) -> None:
        message = _(
            "You have sent several messages on request %(number)s in the last hour; we will answer "
            "them. Please wait a little before sending more."
        ) % {"number": order.number}
        super().__init__(message, again_at)


def send_customer_message(order: WorkOrder, *, by: User, text: str) -> None:
    """Record the customer's message on their order, visible to both sides, and tell who is working it.

    Each message notifies staff, so a customer sends at most settings.CUSTOMER_MESSAGES_PER_HOUR per order an
    hour (checked under the order's row lock).
    """
    if not text.strip():
        raise ValidationError({"note": [_("Write your message.")]})
    with transaction.atomic():
        order = lock(order)
        limit, hour = settings.CUSTOMER_MESSAGES_PER_HOUR, timedelta(hours=1)
        mine = order.events.filter(kind=EventKind.COMMENT, actor=by, at__gte=timezone.now() - hour)
        recent = list(mine.order_by("-at").values_list("at", flat=True)[:limit])
        if len(recent) >= limit:  # the next may go when the oldest of the last `limit` is an hour old
            raise TooManyMessages(order, again_at=recent[-1] + hour)
        event = events.record(order, EventKind.COMMENT, by=by, note=text, public=True)
        notifications.notify(
            order,
            template="customer_message",
            recipients=[order.assigned_to] if order.assigned_to_id else notifications.supervisors_of(order),
            context={"note": text},
            dedupe=f"customer_message:{event.pk}",
        )


def may_chase(order: WorkOrder) -> bool:
    """A chase is for work still to do: not on a closed order, nor on a resolved one (the customer confirms or
    disputes that instead)."""
    return order.is_open and order.status != Status.RESOLVED


def next_chase_at(order: WorkOrder) -> datetime | None:
    """When the customer may chase again, if their last chase was less than settings.CHASE_INTERVAL ago."""
    last = order.events.filter(kind=EventKind.CHASE).order_by("-at").values_list("at", flat=True).first()
    if last is None or last + settings.CHASE_INTERVAL <= timezone.now():
        return None
    return last + settings.CHASE_INTERVAL


def chase(order: WorkOrder, *, by: User, note: str = "") -> WorkOrder:
    """Record the customer's chase (催办) on an order still being worked and raise its priority by one step.

    Each chase notifies staff, so one per order per settings.CHASE_INTERVAL (ChaseTooSoon, 429); the check runs
    under the order's row lock, so parallel chases cannot both pass it.
    """
    with transaction.atomic():
        order = lock(order)
        if not may_chase(order):
            raise ChaseRefused(order)
        again_at = next_chase_at(order)
        if again_at is not None:
            raise ChaseTooSoon(order, again_at)
        event = events.record(order, EventKind.CHASE, by=by, note=note, public=True)
        if order.priority > Priority.HIGH:  # urgent is the kinds' word for an emergency: it leads every queue
            old = order.priority
            order.priority -= 1
            order.save(update_fields=["priority"])
            events.record(order, EventKind.PRIORITY_CHANGED, by=by, old=old, new=order.priority)
        notifications.notify(
            order,
            template="order_chased",
            recipients=[order.assigned_to, *notifications.supervisors_of(order)],
            context={"note": note},
            dedupe=f"order_chased:{order.pk}:{event.pk}",
        )
    return order


def tell_customer(order: WorkOrder, *, template: str, context: dict[str, Any] | None = None, dedupe: str) -> int:
    """Tell the order's customer: at their login if they have one, else by SMS to the contact phone."""
    from services.visits import customer_of  # services.visits imports this module

    customer = customer_of(order)
    if customer is not None:
        return notifications.notify(order, template=template, recipients=[customer], context=context, dedupe=dedupe)
    return notifications.notify_contact(
        order, template=template, phone=order.contact_phone, context=context, dedupe=dedupe
    )


def close_order(order: WorkOrder, *, by: User, result: str = "") -> WorkOrder:
    """Close a resolved order of any kind (with its closing result), tell the customer, send the rating link."""
    from services.visits import send_return_visit_link  # services.visits imports this module

    with transaction.atomic():
        order = change_status(order, Status.CLOSED, by=by, note=result)
        if result:
            order.result = result
            order.save(update_fields=["result"])
        tell_customer(order, template="order_closed", dedupe=f"order_closed:{order.pk}")
        send_return_visit_link(order)
    return order
