"""The work order (工单): every customer request, whatever its kind, and its timeline and attachments.

What is particular to a kind lives in that kind's own package and model, one-to-one with its order
(services.repair's FaultReport, services.applications' ServiceApplication). Each kind registers its allowed
transitions with services.kinds; services.actions.change_status is the one place they are checked.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer, Department, ElectricityAccount, Role, ServiceGrid, User
from services import kinds


class Channel(models.TextChoices):
    COUNTER = "counter", _("Business hall counter")
    HOTLINE = "95598", _("95598 hotline")
    WEB = "web", _("Website or app")
    KIOSK = "kiosk", _("Self-service kiosk")
    REGULATOR = "12398", _("12398 energy regulator hotline")
    GOVERNMENT = "12345", _("12345 government hotline")
    LETTER = "letter", _("Letter")
    # Filed by a village convenience point's agent on a villager's behalf (outlets).
    CONVENIENCE_POINT = "convenience_point", _("Convenience point")
    # Opened by the company itself, not asked for by a customer: a scheduled inspection, one a flag in the
    # readings called for (services.inspections). Not a channel customers use: never in the online share.
    COMPANY = "company", _("Opened by the company")


class Status(models.TextChoices):
    """The statuses every kind shares; a kind adds its own (services.kinds.Kind.statuses)."""

    NEW = "new", _("New")  # accepted into the system, not yet with anyone
    ASSIGNED = "assigned", _("Assigned")  # with a person, not yet taken up
    IN_PROGRESS = "in_progress", _("In progress")  # being worked
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for the customer")  # clocks paused
    RESOLVED = "resolved", _("Resolved")  # the company's work is done; the customer may confirm or dispute
    CLOSED = "closed", _("Closed")  # final; the return visit follows
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn or a duplicate; final


CLOSED = [Status.CLOSED, Status.CANCELLED]

# The moves of a kind that works an order the usual way: take it up, wait for the customer, resolve, close.
# A kind with a workflow of its own registers its own table (services.kinds.Kind.transitions).
GENERAL_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING_CUSTOMER, Status.RESOLVED}),
    Status.WAITING_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
}


def allowed_transitions(kind: str, status: str) -> frozenset[str] | set[str]:
    """Where an order of `kind` may go from `status`: its kind's registered table (nothing for an unknown kind)."""
    registered = kinds.get(kind)
    return registered.transitions.get(status, frozenset()) if registered else frozenset()


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class WorkOrderQuerySet(models.QuerySet["WorkOrder"]):
    def open(self) -> WorkOrderQuerySet:
        return self.exclude(status__in=CLOSED)

    def closed(self) -> WorkOrderQuerySet:
        return self.filter(status__in=CLOSED)

    def visible_to(self, user: User | AnonymousUser) -> WorkOrderQuerySet:
        """Staff see every order (requests pass between units, never back to the customer); a customer sees
        the orders they reported and those on their linked accounts; nobody else sees any."""
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.CONVENIENCE_AGENT:
            return self.filter(created_by=user)  # an agent sees only what they filed for villagers
        if user.is_employee:
            return self.all()
        return self.filter(pk__in=self.ids_of_customer(user))

    def ids_of_customer(self, user: User) -> models.QuerySet:
        """The ids of the orders `user` reported UNION those on accounts linked to them, for `pk__in`.

        Written as `reported_by = me OR account.linked_user = me` the condition spans two tables, and
        PostgreSQL can only answer it by scanning every order and every account (558 ms at 100,000 orders);
        each half of the union is an index lookup (the foreign keys' indexes), so the customer's lists cost
        what their own few orders cost (tests/services/test_plans.py holds the plan to it).
        """
        everything = self.model._default_manager.order_by()
        reported = everything.filter(reported_by=user).values("pk")
        on_linked_accounts = everything.filter(account__linked_user=user).values("pk")
        return reported.union(on_linked_accounts)


class WorkOrder(models.Model):
    """One customer request (工单), from acceptance to closure."""

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=kinds.kind_choices)
    # The kind's sub-type (a fault type, a service-application type): SLA policies match on it.
    sub_type = models.CharField(_("sub-type"), max_length=30, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=kinds.status_choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    customer = models.ForeignKey(
        Customer, models.PROTECT, null=True, blank=True, related_name="work_orders", verbose_name=_("customer")
    )
    account = models.ForeignKey(
        ElectricityAccount,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("electricity account"),
    )
    # Someone with no account (a passer-by reporting a fallen line) is reached through these.
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    grid = models.ForeignKey(
        ServiceGrid, models.PROTECT, null=True, blank=True, related_name="work_orders", verbose_name=_("service grid")
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("responsible department"),
    )
    assigned_to = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="assigned_orders", verbose_name=_("assignee")
    )
    reported_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="reported_orders", verbose_name=_("reported by")
    )
    created_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="created_orders", verbose_name=_("entered by")
    )
    description = models.TextField(_("description"), max_length=2000)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.TextField(_("result"), max_length=2000, blank=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-opened_at"]
        # Queues read open orders only: partial indexes on them keep a queue fast among 500,000 orders, where
        # a plain (department, status) index is passed over for `status NOT IN (closed, cancelled)`
        # (bench/queue.py: team queue p95 151 ms → 45 ms).
        indexes = [
            models.Index(
                fields=["department"], condition=~models.Q(status__in=CLOSED), name="order_open_department_idx"
            ),
            models.Index(
                fields=["assigned_to"], condition=~models.Q(status__in=CLOSED), name="order_open_assignee_idx"
            ),
            models.Index(fields=["grid"], condition=~models.Q(status__in=CLOSED), name="order_open_grid_idx"),
            models.Index(fields=["kind", "status"]),
            # The history of closed orders (services.queues.closed_history), newest closure first: read through
            # this index a page costs the same among 500,000 closed orders as among fifty. An order closed
            # without a time (older data) sorts by its opening; SQLite has no NULLS LAST in an index.
            models.Index(
                Coalesce("closed_at", "opened_at").desc(),
                models.F("id").desc(),
                condition=models.Q(status__in=CLOSED),
                name="order_closed_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    # The kind's and the status's words from the registry's mapping: Django's own get_FOO_display normalises the
    # field's callable choices (every kind's statuses, lazily translated) on each call, once per row of a list.
    def get_kind_display(self) -> str:
        return kinds.kind_label(self.kind)

    def get_status_display(self) -> str:
        return kinds.status_label(self.status)

    @property
    def sub_type_label(self) -> str:
        """The sub-type in words, as its kind registered them (services.kinds)."""
        return kinds.sub_type_label(self.kind, self.sub_type)

    @property
    def place(self) -> str:
        """Where the request is about: the location given, else the account's address (select it with the row)."""
        return self.location or (self.account.address if self.account_id else "")

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def can_move_to(self, status: str) -> bool:
        return status in allowed_transitions(self.kind, self.status)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    ASSIGNED = "assigned", _("Assigned")
    TRANSFERRED = "transferred", _("Transferred")
    STATUS_CHANGED = "status_changed", _("Status changed")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment added")
    CHASE = "chase", _("Chased by the customer")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    CLOCK_STARTED = "clock_started", _("Time limit started")
    CLOCK_PAUSED = "clock_paused", _("Time limit paused")
    CLOCK_RESUMED = "clock_resumed", _("Time limit resumed")
    CLOCK_STOPPED = "clock_stopped", _("Time limit stopped")
    SLA_WARNING = "sla_warning", _("Time limit warning")
    SLA_BREACH = "sla_breach", _("Time limit breached")
    NOTIFICATION_SENT = "notification_sent", _("Notification sent")
    RETURN_VISIT = "return_visit", _("Return visit")


class TimelineEvent(models.Model):
    """One change to a work order: append-only, the audit trail and the customer's progress view."""

    order = models.ForeignKey(WorkOrder, models.CASCADE, related_name="events", verbose_name=_("work order"))
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="order_events", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    old_value = models.CharField(_("from"), max_length=100, blank=True)
    new_value = models.CharField(_("to"), max_length=100, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # Whether the customer sees it on their progress page; internal notes and most staff events are hidden.
    is_public = models.BooleanField(_("visible to the customer"), default=False)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


def attachment_path(attachment: Attachment, filename: str) -> str:
    return f"orders/{attachment.order_id}/{filename}"


class Attachment(models.Model):
    """A photo or PDF on a work order, served only to those who may see the order."""

    order = models.ForeignKey(WorkOrder, models.CASCADE, related_name="attachments", verbose_name=_("work order"))
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    is_public = models.BooleanField(_("visible to the customer"), default=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
