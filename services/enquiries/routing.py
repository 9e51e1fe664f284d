"""Where an enquiry goes without a routing rule: the counter of the 台区's department, its least-loaded clerk,
else the 台区's customer manager."""

from __future__ import annotations

from accounts.models import Department, Role, User
from services.models import WorkOrder
from services.routing import customer_manager_for, least_loaded


def route_to_counter(order: WorkOrder, exclude: User | None) -> tuple[Department | None, User | None]:
    department = order.grid.department
    clerk = least_loaded(department, Role.COUNTER_STAFF, exclude=exclude)
    return department, clerk or customer_manager_for(order.grid, exclude=exclude)
