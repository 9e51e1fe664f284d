"""Who may do what with inspections: the one table the pages and the API read.

Acting on an inspection order also needs the order in the actor's scope (services.permissions.may_act_on).
Theft cases and theft findings are confidential: only inspectors and managers see them (others get a 404).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User

INSPECTORS = frozenset({Role.INSPECTOR, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
SUPERVISORS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})

MAY: dict[str, frozenset[str]] = {
    "work": INSPECTORS,  # start, record checklist results, findings, complete
    "see_flags": INSPECTORS,  # the anomaly page and its precision
    "review_flags": SUPERVISORS,  # dismiss a flag with a reason, or open an inspection from it
    "see_theft": INSPECTORS,  # theft cases and theft findings
    "see_plans": INSPECTORS,
    "see_history": frozenset(Role) - {Role.CUSTOMER, Role.CONVENIENCE_AGENT},  # the account page's panel
}


def may(user: User | AnonymousUser, what: str) -> bool:
    return bool(user.is_authenticated and (user.role in MAY[what] or user.is_superuser))
