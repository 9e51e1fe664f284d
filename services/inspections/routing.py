"""Where an inspection goes without a routing rule: the least-loaded available inspector of the 台区's
department, else of the nearest department above it that has one; else the 台区's department's queue."""

from __future__ import annotations

from accounts.models import Department, Role, User
from services.models import WorkOrder
from services.routing import least_loaded


def route_to_inspector(order: WorkOrder, exclude: User | None) -> tuple[Department | None, User | None]:
    department: Department | None = order.grid.department
    while department is not None:
        inspector = least_loaded(department, Role.INSPECTOR, exclude=exclude)
        if inspector is not None:
            return department, inspector
        department = department.parent
    return order.grid.department, None
