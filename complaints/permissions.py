"""Who may do what with complaints: the one table the pages, the API and the action forms read.

A step's roles are in STEP_ROLES (complaints.forms builds each ActionForm's `roles` from it); the order's side
(in the actor's scope: assigned, or held by their department subtree) is the backbone's
(services.permissions.may_act_on). Who filed a report of misconduct is for complaint handlers and managers only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import DepartmentKind, Role, User
from services.forms import ORDER_TAKERS

HANDLERS = frozenset({Role.COMPLAINT_HANDLER, Role.DEPARTMENT_MANAGER})
MANAGERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
# Staff who enter a complaint received by phone, at the counter, from 12398/12345 or by letter.
INTAKE = frozenset(ORDER_TAKERS | {Role.COMPLAINT_HANDLER})

# Step name → the roles that take it. Verification additionally needs a second person (complaints.actions).
STEP_ROLES: dict[str, frozenset[str]] = {
    "mark_major": HANDLERS,
    "contact": HANDLERS,
    "investigate": HANDLERS,
    "analyse": HANDLERS,
    "rectify": HANDLERS,
    "verify": HANDLERS,
    "send_back": HANDLERS,
    "answer": HANDLERS,
    "record_visit": HANDLERS,
    "assess": HANDLERS,
    "close_complaint": HANDLERS,
}


def may_enter(user: User | AnonymousUser) -> bool:
    """Staff who may enter a complaint (or report, opinion, suggestion, praise) on someone's behalf."""
    return user.is_authenticated and user.role in INTAKE


def enters_by_tool(user: User | AnonymousUser) -> bool:
    """Complaint handlers, who enter complaints but are not the backbone's order takers (their menu has a tool)."""
    return user.is_authenticated and user.role == Role.COMPLAINT_HANDLER


def is_handler(user: User | AnonymousUser) -> bool:
    """Complaint handlers and managers: the queue, intake history, confidential reporters."""
    return user.is_authenticated and user.role in HANDLERS


def is_manager(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in MANAGERS


def may_see_reporter(user: User | AnonymousUser) -> bool:
    """Who filed a report of misconduct: complaint handlers and managers only (not even administrators)."""
    return is_handler(user)


def may_verify(user: User) -> bool:
    """The handler's supervisor (a department manager) or the complaint centre (a handler of customer service)."""
    if user.role == Role.DEPARTMENT_MANAGER:
        return True
    return (
        user.role == Role.COMPLAINT_HANDLER
        and user.department_id is not None
        and user.department.kind == DepartmentKind.CUSTOMER_SERVICE
    )
