"""Where a complaint goes when no routing rule says otherwise: the nearest complaint centre, its least-loaded handler.

The complaint centre is the CUSTOMER_SERVICE department beside the 台区's department (under the same parent),
or beside one of its ancestors going up; without one the 台区's own department handles it.
"""

from __future__ import annotations

from accounts.models import Department, DepartmentKind, Role, User
from services.models import WorkOrder
from services.routing import least_loaded


def complaint_centre_for(department: Department) -> Department:
    """The customer-service department nearest `department` going up the tree, or `department` itself."""
    current: Department | None = department
    while current is not None:
        if current.kind == DepartmentKind.CUSTOMER_SERVICE:
            return current
        siblings = Department.objects.filter(parent_id=current.parent_id, kind=DepartmentKind.CUSTOMER_SERVICE)
        centre = siblings.order_by("code").first() if current.parent_id else None
        if centre is not None:
            return centre
        current = current.parent
    return department


def route_to_handler(order: WorkOrder, exclude: User | None) -> tuple[Department | None, User | None]:
    """The kinds' default route (services.kinds.Kind.default_route): the complaint centre and its handler."""
    team = complaint_centre_for(order.grid.department)
    return team, least_loaded(team, Role.COMPLAINT_HANDLER, exclude=exclude)
