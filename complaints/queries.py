"""The complaint lists: the handler's queue, the manager's major and overdue complaints, the intake history.

Each list is one SQL query for its page (the order, its category and assignee joined; the next deadline and
whether a clock is past due as subqueries), paginated in SQL with the backbone's CappedPaginator, so its cost
does not grow with the number of complaints (tests/complaints/test_queries.py, bench/complaints.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Department, ElectricityAccount, Role, User
from complaints.models import FEEDBACK_KINDS, Complaint
from complaints.repeat import HISTORY_WINDOW
from services import sla
from services.models import Clock, ClockState, WorkOrder
from services.models.orders import CLOSED


def _running(name: str | None = None) -> QuerySet[Clock]:
    clocks = Clock.objects.filter(order=OuterRef("order_id"), state=ClockState.RUNNING)
    return clocks.filter(name=name) if name else clocks


def with_clocks(complaints: QuerySet[Complaint], now: datetime) -> QuerySet[Complaint]:
    """Annotate `next_due_at` (earliest running clock), `answer_due_at` and `is_overdue` (one is past due)."""
    late = _running().filter(Q(due_at__lte=now) | Q(breached_at__isnull=False))
    return complaints.annotate(
        next_due_at=Subquery(_running().order_by("due_at").values("due_at")[:1]),
        answer_due_at=Subquery(_running("answer").values("due_at")[:1]),
        is_overdue=Exists(late),
    )


def _listing(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The order joined (it is filtered on), what a row shows besides fetched for the page's rows only.

    Joined instead, PostgreSQL joined every open complaint to its assignee, category and reporter before it
    sorted them and kept 25 (bench/complaints.py: raw SQL of the queue p95 278 ms at 2,647 open complaints).
    """
    return complaints.select_related("order").prefetch_related("order__assigned_to", "category__parent", "reporter")


def open_complaints() -> QuerySet[Complaint]:
    """Every open complaint (and report, opinion, suggestion, praise)."""
    return Complaint.objects.filter(order__kind__in=FEEDBACK_KINDS).exclude(order__status__in=CLOSED)


def in_scope(complaints: QuerySet[Complaint], user: User) -> QuerySet[Complaint]:
    """What `user` works: assigned to them, or held by their department or a unit below it (administrators: all)."""
    if user.role == Role.ADMINISTRATOR or user.is_superuser:
        return complaints
    if user.department_id is None:
        return complaints.filter(order__assigned_to=user)
    subtree = Department.objects.subtree_of(user.department)
    return complaints.filter(Q(order__assigned_to=user) | Q(order__department__in=subtree))


@dataclass(frozen=True)
class Drill:
    """A dashboard figure's complaints: of a category or root cause (codes), counted against a unit's subtree
    (its 台区's unit, else the order's department, as dashboards.figures counts them), received in [since, until]."""

    category: str = ""
    cause: str = ""
    unit: Department | None = None
    since: date | None = None
    until: date | None = None

    def apply(self, complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
        if self.category:
            complaints = complaints.filter(category__code=self.category)
        if self.cause:
            complaints = complaints.filter(root_cause__code=self.cause)
        if self.unit is not None:
            subtree = Department.objects.subtree_of(self.unit)
            complaints = complaints.filter(
                Q(order__grid__department__in=subtree) | Q(order__grid__isnull=True, order__department__in=subtree)
            )
        if self.since:
            complaints = complaints.filter(received_at__gte=sla.start_of(self.since))
        if self.until:
            complaints = complaints.filter(received_at__lt=sla.start_of(self.until + timedelta(days=1)))
        return complaints

    @property
    def window(self) -> bool:
        return bool(self.since or self.until)


def handler_queue(
    user: User, now: datetime, *, kind: str = "", status: str = "", major: bool = False, drill: Drill | None = None
) -> QuerySet:
    """The handler's open complaints: major first, then past due, then the nearest deadline, then the oldest.

    With a drill-down's window, every complaint received in it, closed ones too: the complaints behind the figure.
    """
    drill = drill or Drill()
    every = Complaint.objects.filter(order__kind__in=FEEDBACK_KINDS)
    complaints = drill.apply(in_scope(every if drill.window else open_complaints(), user))
    if kind:
        complaints = complaints.filter(order__kind=kind)
    if status:
        complaints = complaints.filter(order__status=status)
    if major:
        complaints = complaints.filter(is_major=True)
    return _listing(with_clocks(complaints, now)).order_by(
        "-is_major", "-is_overdue", Coalesce("next_due_at", "received_at").asc(), "received_at", "pk"
    )


def manager_view(user: User, now: datetime) -> QuerySet:
    """The manager's watch list: open complaints in scope that are major or past a deadline, major first."""
    late = _running().filter(Q(due_at__lte=now) | Q(breached_at__isnull=False))
    complaints = in_scope(open_complaints(), user).filter(Q(is_major=True) | Exists(late))
    return _listing(with_clocks(complaints, now)).order_by("-is_major", "next_due_at", "received_at", "pk")


def customer_complaints(user: User) -> QuerySet[Complaint]:
    """A customer's own filings: those on their orders, and their confidential reports."""
    mine = WorkOrder.objects.ids_of_customer(user)
    return (
        Complaint.objects.filter(Q(order_id__in=mine) | Q(reporter__user=user))
        .filter(order__kind__in=FEEDBACK_KINDS)
        .select_related("order", "category")
        .order_by("-received_at", "-pk")
    )


def history(account: ElectricityAccount, now: datetime, *, limit: int = 20) -> QuerySet[WorkOrder]:
    """The account's and its holder's orders of every kind in the last 90 days, newest first (intake view)."""
    since = now - HISTORY_WINDOW
    holder = Q(customer_id=account.customer_id) if account.customer_id else Q(pk__in=[])
    orders = WorkOrder.objects.filter(Q(account=account) | holder, opened_at__gte=since)
    return orders.select_related("complaint", "complaint__category", "account").order_by("-opened_at", "-pk")[:limit]
