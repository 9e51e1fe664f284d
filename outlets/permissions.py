"""Who may do what in the outlets app: one table, read by the pages and the API alike.

The finder, an outlet's page and its hall screen are public. A customer takes remote tickets and books
appointments (their own only: someone else's ticket is 404). Counter staff work counters of outlets in their
department's subtree; managers read statistics and planning for theirs. An administrator may do everything.
A convenience-point agent files requests through the kinds' staff entry pages (services.forms.ORDER_TAKERS)
and sees only those (services.models.WorkOrder.visible_to); nothing in the queue is theirs.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import Role, User
from outlets.models import Counter, Outlet
from services.permissions import scope_of

TAKE_TICKET = "take_ticket"  # a remote ticket, an appointment, for oneself
WORK_COUNTER = "work_counter"  # sign in to a counter, call, serve, transfer; issue tickets at the counter
READ_STATISTICS = "read_statistics"
PLAN_OUTLETS = "plan_outlets"

MAY: dict[str, frozenset[str]] = {
    TAKE_TICKET: frozenset({Role.CUSTOMER}),
    WORK_COUNTER: frozenset({Role.COUNTER_STAFF, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
    READ_STATISTICS: frozenset({Role.COUNTER_STAFF, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
    PLAN_OUTLETS: frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
}


def may(user: User | AnonymousUser, what: str) -> bool:
    """Whether `user`'s role may take `what` at all (the 403 rule)."""
    return user.is_authenticated and (user.role in MAY[what] or (user.is_superuser and what != TAKE_TICKET))


def outlets_in_scope(user: User) -> QuerySet[Outlet]:
    """The outlets a member of staff works in or manages: their department's subtree (all, for an administrator)."""
    if user.role == Role.ADMINISTRATOR or user.is_superuser or user.department_id is None:
        return Outlet.objects.all() if user.role == Role.ADMINISTRATOR or user.is_superuser else Outlet.objects.none()
    return Outlet.objects.filter(department_id__in=scope_of(user))


def counters_in_scope(user: User) -> QuerySet[Counter]:
    """The counters `user` may work (the 404 rule for a counter out of their scope)."""
    if not may(user, WORK_COUNTER):
        return Counter.objects.none()
    return Counter.objects.filter(outlet__in=outlets_in_scope(user), is_active=True)


def only(what: str) -> type[BasePermission]:
    """A DRF permission for one row of the table."""

    class May(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return may(request.user, what)

    May.__name__ = f"May_{what}"
    return May
