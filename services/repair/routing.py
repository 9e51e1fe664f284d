"""Where a fault goes when no routing rule says otherwise: the area's repair team, its least-loaded crew member.

The area's repair team is the OPERATIONS department under the same parent as the 台区's department (the 抢修班
of a branch next to its 供电所). A small station with no such team repairs with its own crew.
"""

from __future__ import annotations

from accounts.models import Department, DepartmentKind, Role, User
from services.models import WorkOrder
from services.routing import least_loaded


def repair_team_for(department: Department) -> Department:
    """The repair team beside `department` under the same parent, or the department itself if it has none."""
    if department.parent_id is None:
        return department
    siblings = Department.objects.filter(parent_id=department.parent_id, kind=DepartmentKind.OPERATIONS)
    return siblings.order_by("code").first() or department


def route_to_crew(order: WorkOrder, exclude: User | None) -> tuple[Department | None, User | None]:
    """The kind's default route (services.kinds.Kind.default_route): the 台区's repair team and its crew."""
    team = repair_team_for(order.grid.department)
    return team, least_loaded(team, Role.REPAIR_CREW, exclude=exclude)
