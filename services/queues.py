"""The lists of work orders the pages and the API share: whose orders, which filters, and in what order.

Every list starts from `WorkOrder.objects.visible_to(user)` and carries its next deadline as an annotation
(the earliest due time of the order's running clocks), so a page of rows costs the same few queries however
many orders there are (tests/services/test_views.py and test_api.py count them). Staff lists rank by urgency
only open orders (a few thousand in a city of 500,000 a year); closed ones are a history newest closure first,
read through an index. Their counts stop at COUNT_CAP: nobody pages through a thousand orders, and counting
the city's closed orders exactly on every request would cost more than the page itself.
"""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from services.models import Clock, ClockState, WorkOrder
from services.models.orders import CLOSED, Priority, WorkOrderQuerySet

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP + 1 ("more than 1000"), so deep pages stay unreachable.

    The count is `SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`, without the urgency order or the
    deadlines' subqueries: its cost is bounded by the cap, not by the city.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


class State:
    """Which orders a list shows: the open ones (the default for staff), or the history of closed ones."""

    OPEN = "open"
    CLOSED = "closed"

    choices = [(OPEN, _("Open")), (CLOSED, _("Closed or cancelled"))]


class SlaState:
    """The SLA filter's values: an order is breached, else warning, else paused, else on track."""

    ON_TRACK = "on_track"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"

    choices = [
        (ON_TRACK, _("On track")),
        (WARNING, _("Warning")),
        (BREACHED, _("Breached")),
        (PAUSED, _("Paused")),
    ]


def running_clocks() -> object:
    return Clock.objects.filter(order=OuterRef("pk"), state=ClockState.RUNNING)


def with_deadlines(orders: WorkOrderQuerySet, now: datetime) -> WorkOrderQuerySet:
    """Annotate each order with `next_due_at` (earliest running clock) and `is_breached` (one is past due)."""
    earliest = running_clocks().order_by("due_at").values("due_at")[:1]
    late = running_clocks().filter(Q(due_at__lte=now) | Q(breached_at__isnull=False))
    return orders.annotate(next_due_at=Subquery(earliest), is_breached=Exists(late))


def urgent_first(orders: WorkOrderQuerySet) -> WorkOrderQuerySet:
    """Urgent priority first (a kind marks its emergencies so, e.g. a major complaint, and they lead every queue),
    then breached, then by time left on the earliest running clock, then priority, then age."""
    breached_rank = Case(
        When(priority=Priority.URGENT, then=Value(0)),
        When(is_breached=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return orders.annotate(breached_rank=breached_rank).order_by(
        "breached_rank", F("next_due_at").asc(nulls_last=True), "priority", "opened_at", "pk"
    )


def filter_sla_state(orders: WorkOrderQuerySet, state: str) -> WorkOrderQuerySet:
    """Keep the orders in one SLA state (needs with_deadlines()). A warning is one the sweep has announced."""
    warned = Exists(running_clocks().filter(warning_level__gt=0))
    paused = Exists(Clock.objects.filter(order=OuterRef("pk"), state=ClockState.PAUSED))
    if state == SlaState.BREACHED:
        return orders.filter(is_breached=True)
    if state == SlaState.WARNING:
        return orders.filter(warned, is_breached=False)
    if state == SlaState.PAUSED:
        return orders.filter(paused, is_breached=False).exclude(warned)
    if state == SlaState.ON_TRACK:
        return orders.filter(is_breached=False).exclude(warned).exclude(paused)
    return orders


def search(orders: WorkOrderQuerySet, text: str) -> WorkOrderQuerySet:
    """Orders matching what a member of staff typed: digits are an order number (or its start), a phone or an
    account number; anything else a place (the order's location, the account's address) or a contact's name.

    Used within a queue (a team's open orders), so the contains-matches scan a few thousand rows at most.
    """
    text = text.strip()
    if text.isdigit():
        return orders.filter(Q(number__startswith=text) | Q(contact_phone=text) | Q(account__number=text))
    return orders.filter(
        Q(location__icontains=text) | Q(account__address__icontains=text) | Q(contact_name__icontains=text)
    )


class Sort:
    """A queue's orders: most urgent first (the default), newest or oldest first, or by priority."""

    URGENCY = "urgency"
    NEWEST = "newest"
    OLDEST = "oldest"
    PRIORITY = "priority"

    choices = [
        (URGENCY, _("Most urgent first")),
        (NEWEST, _("Newest first")),
        (OLDEST, _("Oldest first")),
        (PRIORITY, _("Highest priority first")),
    ]
    ORDERINGS = {
        NEWEST: ("-opened_at", "-pk"),
        OLDEST: ("opened_at", "pk"),
        PRIORITY: ("priority", "opened_at", "pk"),
    }


def sort_orders(orders: WorkOrderQuerySet, sort: str) -> WorkOrderQuerySet:
    """Re-order an urgency-ordered queue when staff ask for another order (services.queues.Sort)."""
    ordering = Sort.ORDERINGS.get(sort)
    return orders.order_by(*ordering) if ordering else orders


def filter_orders(
    orders: WorkOrderQuerySet,
    *,
    kind: str = "",
    status: str = "",
    grid: str = "",
    unit: str = "",
    sla_state: str = "",
    q: str = "",
    sort: str = "",
) -> WorkOrderQuerySet:
    """Apply the queue's filters, search and sort; blank ones are ignored. `grid` is the 台区's code, `unit` a
    department's code: its orders and those of every unit below it (a dashboard's unit figure drills down here)."""
    if q:
        orders = search(orders, q)
    if sort:
        orders = sort_orders(orders, sort)
    if kind:
        orders = orders.filter(kind=kind)
    if status:
        orders = orders.filter(status=status)
    if grid:
        orders = orders.filter(grid__code=grid)
    if unit:
        department = Department.objects.filter(code=unit).first()
        subtree = Department.objects.subtree_of(department) if department else Department.objects.none()
        orders = orders.filter(department__in=subtree)
    if sla_state:
        orders = filter_sla_state(orders, sla_state)
    return orders


def closed_history(orders: WorkOrderQuerySet) -> WorkOrderQuerySet:
    """Closed and cancelled orders, the latest closure first (WorkOrder's `order_closed_at_idx`)."""
    return orders.filter(status__in=CLOSED).order_by(Coalesce("closed_at", "opened_at").desc(), "-id")


def for_rows(orders: WorkOrderQuerySet) -> WorkOrderQuerySet:
    """What a list row shows besides the order itself, fetched for the page's rows only, one query each.

    Joined instead, PostgreSQL joins every open order to its account, 台区, department and assignee before it
    sorts them by urgency and keeps 25: at 1,000,000 accounts the staff API list took 39 ms that way and
    15 ms ranked alone (bench/README.md); four queries on the page's ids add about a millisecond.
    """
    return orders.prefetch_related("grid", "account", "assigned_to", "department")


def joined_for_rows(orders: WorkOrderQuerySet) -> WorkOrderQuerySet:
    """for_rows() in one query, for a customer's own few orders, where joining costs less than four round trips."""
    return orders.select_related("grid", "account", "assigned_to", "department")


def customer_orders(user: User, now: datetime) -> WorkOrderQuerySet:
    """A customer's requests, newest first, each with its next deadline."""
    orders = with_deadlines(WorkOrder.objects.visible_to(user), now)
    return orders.select_related("account").order_by("-opened_at", "-pk")


def assigned_to(orders: WorkOrderQuerySet, user: User) -> WorkOrderQuerySet:
    return orders.filter(assigned_to=user)


def of_team(orders: WorkOrderQuerySet, user: User) -> WorkOrderQuerySet:
    """The orders of `user`'s department and the units below it (none for someone with no department)."""
    if user.department_id is None:
        return orders.none()
    return orders.filter(department__in=Department.objects.subtree_of(user.department))


def my_queue(user: User, now: datetime) -> WorkOrderQuerySet:
    """The open orders assigned to `user`, most urgent first."""
    orders = assigned_to(WorkOrder.objects.visible_to(user).open(), user)
    return urgent_first(with_deadlines(orders, now))


def team_queue(user: User, now: datetime) -> WorkOrderQuerySet:
    """The open orders of `user`'s department and the units below it, most urgent first."""
    return urgent_first(with_deadlines(of_team(WorkOrder.objects.visible_to(user).open(), user), now))
