"""Who may do what with bills and money: the one table, shared by the pages and the API.

Seeing an account's bills follows the account (accounts.ElectricityAccount.visible_to: its linked customer and
staff); not visible is 404. An action below not in the user's role is 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import Department, ElectricityAccount, Role, ServiceGrid, User

MAY: dict[str, frozenset[str]] = {
    # Pay one's own linked account online (or through a kiosk session, as the customer).
    "pay_online": frozenset({Role.CUSTOMER}),
    # Take money at the counter; see an account's ledger.
    "take_counter_payment": frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER}),
    # Record a disconnection for arrears, and the reconnection after.
    "disconnect": frozenset({Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER}),
    # Give a confirmed payment back; adjust a balance.
    "refund": frozenset({Role.DEPARTMENT_MANAGER}),
    # The arrears list of one's 台区 (a grid manager) or one's department's (the others).
    "see_arrears": frozenset({Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.COUNTER_STAFF}),
}


def may(user: User | AnonymousUser, action: str) -> bool:
    return user.is_authenticated and user.role in MAY[action]


def may_pay(user: User | AnonymousUser, account: ElectricityAccount) -> bool:
    return may(user, "pay_online") and account.linked_user_id == user.pk


def arrears_grids(user: User) -> QuerySet[ServiceGrid]:
    """The 台区 whose arrears the user follows: a grid manager's own, else their department's and below."""
    if user.role == Role.GRID_MANAGER:
        return ServiceGrid.objects.filter(manager=user)
    if user.department_id is None:
        return ServiceGrid.objects.none()
    return ServiceGrid.objects.filter(department__in=Department.objects.subtree_of(user.department))
