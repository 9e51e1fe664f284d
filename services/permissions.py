"""Who may act on a work order: the rule the order page, the order API and uploads share.

Staff may *read* every order (requests pass between units, and search and help are useful), but *acting* on
one needs it to be theirs to work: assigned to them, or held by their department or a unit below it (a
supervisor's, a branch's or the company's), or an administrator's. An order nobody holds yet (no department)
belongs to whoever holds its 台区's department; one with neither is the company's. Which role may take which
step is each action's own (services.forms.ActionForm.roles); this is only the order's side of it.
"""

from __future__ import annotations

from accounts.models import Department, Role, User
from services.models import WorkOrder


def may_act_on(order: WorkOrder, user: User) -> bool:
    """Whether the order is in `user`'s scope to act on (see the module's docstring)."""
    if not (user.is_authenticated and user.is_employee):
        return False
    if user.role == Role.CONVENIENCE_AGENT:
        return order.created_by_id == user.pk  # only what they filed (and only comments: services.forms)
    if order.assigned_to_id == user.pk or user.role == Role.ADMINISTRATOR or user.is_superuser:
        return True
    if user.department_id is None:
        return False
    holder = order.department_id or (order.grid.department_id if order.grid_id else None)
    if holder is None:
        return user.department.parent_id is None
    return holder in scope_of(user)


def scope_of(user: User) -> frozenset[int]:
    """The ids of the user's department and every unit below it, read once per request (the user object)."""
    cached = getattr(user, "_order_scope", None)
    if cached is None:
        subtree = Department.objects.subtree_of(user.department).values_list("pk", flat=True)
        cached = user._order_scope = frozenset(subtree)
    return cached
