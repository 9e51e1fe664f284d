"""The complaint lists: the handler's queue, the manager's major and overdue complaints, the intake history.

Each list is one SQL query for its page (the order, its category and assignee joined; the next deadline and
whether a clock is past due as subqueries), paginated in SQL with the backbone's CappedPaginator, so its cost
does not grow with the number of complaints (tests/complaints/test_queries.py, bench/complaints.py).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Department, ElectricityAccount, Role, User
from complaints.models import FEEDBACK_KINDS, Complaint
from complaints.repeat import HISTORY_WINDOW
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


def handler_queue(user: User, now: datetime, *, kind: str = "", status: str = "", major: bool = False) -> QuerySet:
    """The handler's open complaints: major first, then past due, then the nearest deadline, then the oldest."""
    complaints = in_scope(open_complaints(), user)
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
