"""Who may do what with inspections: the one table the pages and the API read.

Acting on an inspection order also needs the order in the actor's scope (services.permissions.may_act_on).
Theft cases and theft findings are confidential: only inspectors and managers see them (others get a 404).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import Department, Role, User
from services.inspections.models import TheftCase

INSPECTORS = frozenset({Role.INSPECTOR, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
SUPERVISORS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})

MAY: dict[str, frozenset[str]] = {
    "work": INSPECTORS,  # start, record checklist results, findings, complete
    "see_flags": INSPECTORS,  # the anomaly page and its precision
    "review_flags": SUPERVISORS,  # dismiss a flag with a reason, or open an inspection from it
    "see_theft": INSPECTORS,  # theft cases and theft findings (of the user's unit and below)
    "close_theft": SUPERVISORS,  # conclude a theft case: confirmed with the energy to recover, or unfounded
    "see_plans": INSPECTORS,
    "see_history": frozenset(Role) - {Role.CUSTOMER, Role.CONVENIENCE_AGENT},  # the account page's panel
}


def may(user: User | AnonymousUser, what: str) -> bool:
    return bool(user.is_authenticated and (user.role in MAY[what] or user.is_superuser))


def theft_cases_for(user: User) -> QuerySet[TheftCase]:
    """The theft cases `user` may see: those of their unit and every unit below it, whether the unit holds the
    inspection or the customer's 台区 (a branch's manager sees the cases on the branch's customers however the
    inspection was routed); all, for an administrator."""
    if not may(user, "see_theft"):
        return TheftCase.objects.none()
    if user.role == Role.ADMINISTRATOR or user.is_superuser:
        return TheftCase.objects.all()
    if user.department_id is None:
        return TheftCase.objects.none()
    units = Department.objects.subtree_of(user.department)
    return TheftCase.objects.filter(Q(department__in=units) | Q(account__grid__department__in=units))
