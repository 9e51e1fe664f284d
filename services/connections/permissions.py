"""Who may do what with new connections and changes of use, beside the stage table (services.connections.stages,
which says who works each stage of each type; the stage steps in services.connections.forms read it).

One table for the pages and the API: the funnel is for managers and the staff who work the stages; customers
file their own applications, and counter staff file a paper application for a customer (the counter entry
pages and the API, where the same action refuses anyone else). Filing for an account, or for a new supply on a
台区, needs it in the clerk's scope: a 台区 held by their department or a unit below it (an administrator's
scope is the company). A customer supplies documents only on their own application (WorkOrder.visible_to).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import ElectricityAccount, Role, ServiceGrid, User
from services.permissions import scope_of

MAY: dict[str, frozenset[str]] = {
    # The funnel of applications by stage (page and API).
    "see_funnel": frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR, Role.COUNTER_STAFF, Role.GRID_MANAGER}),
    # File a new connection or a change of use on a customer's behalf (a paper application at the counter).
    "file_for_customer": frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER}),
}


def may(user: User | AnonymousUser, what: str) -> bool:
    return bool(user.is_authenticated and user.role in MAY[what])


def sees_funnel(user: User | AnonymousUser) -> bool:
    return may(user, "see_funnel")


def files_for_customers(user: User | AnonymousUser) -> bool:
    return may(user, "file_for_customer")


def _everywhere(user: User) -> bool:
    return user.role == Role.ADMINISTRATOR or user.is_superuser


def grids_in_scope(user: User) -> QuerySet[ServiceGrid]:
    """The 台区 the user may file for: those of their department and the units below it."""
    if _everywhere(user):
        return ServiceGrid.objects.all()
    if user.department_id is None:
        return ServiceGrid.objects.none()
    return ServiceGrid.objects.filter(department_id__in=scope_of(user))


def accounts_in_scope(user: User) -> QuerySet[ElectricityAccount]:
    """The accounts the user may file for: those on a 台区 in their scope."""
    if _everywhere(user):
        return ElectricityAccount.objects.all()
    if user.department_id is None:
        return ElectricityAccount.objects.none()
    return ElectricityAccount.objects.filter(grid__department_id__in=scope_of(user))


def in_scope(user: User, grid_department_id: int | None) -> bool:
    """Whether a 台区 held by that department is in the user's scope."""
    if _everywhere(user):
        return True
    return user.department_id is not None and grid_department_id in scope_of(user)
