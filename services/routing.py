"""Who gets an order: the routing rules by kind and 台区, the defaults without them, and least-loaded assignment.

A rule (services.models.RoutingRule) names a team and the role within it that takes the order; the most
specific rule wins (one for the order's 台区, over one for the 台区's department, over one for the whole kind).
Without a rule an order goes where its kind says (services.kinds.Kind.default_route: a fault to the area's
repair team), or else to its 台区's department and customer manager.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, ServiceGrid, User
from services import actions, kinds
from services.models import RoutingRule, WorkOrder
from services.models.orders import CLOSED

NOBODY_FREE = _("Nobody in the team is available; the team's supervisor assigns it.")


def route(order: WorkOrder, *, exclude: User | None = None) -> tuple[Department | None, User | None]:
    """The department that should hold `order` and the person in it who should work it (either may be None).

    `exclude` is someone who must not get it again (the crew that could not complete the repair).
    """
    grid = order.grid
    if grid is None:
        return None, None
    rule = matching_rule(order)
    if rule is not None:
        return rule.team, least_loaded(rule.team, rule.role, exclude=exclude)
    kind = kinds.of(order)
    if kind is not None and kind.default_route is not None:
        return kind.default_route(order, exclude)
    return grid.department, customer_manager_for(grid, exclude=exclude)


def customer_manager_for(grid: ServiceGrid, *, exclude: User | None = None) -> User | None:
    """The 台区's customer manager, or while they are away the least-loaded grid manager of its department."""
    manager = grid.manager
    if manager is not None and manager.is_available and manager.is_active and manager != exclude:
        return manager
    return least_loaded(grid.department, Role.GRID_MANAGER, exclude=exclude)


def matching_rule(order: WorkOrder) -> RoutingRule | None:
    """The most specific rule for the order's kind and 台区: 台区 rule, then department rule, then kind-wide."""
    grid = order.grid
    rules = list(
        RoutingRule.objects.filter(order_kind=order.kind)
        .filter(
            Q(grid=grid)
            | Q(grid__isnull=True, source_department_id=grid.department_id)
            | Q(grid__isnull=True, source_department__isnull=True)
        )
        .select_related("team")
        .order_by("pk")
    )
    if not rules:
        return None
    return min(rules, key=lambda rule: (rule.grid_id is None, rule.source_department_id is None, rule.pk))


def least_loaded(team: Department, role: str, *, exclude: User | None = None) -> User | None:
    """The available member of `team` with `role` who has the fewest open orders (ties to the earliest id)."""
    members = User.objects.filter(department=team, role=role, is_available=True, is_active=True)
    if exclude is not None:
        members = members.exclude(pk=exclude.pk)
    members = members.annotate(load=Count("assigned_orders", filter=~Q(assigned_orders__status__in=CLOSED))).order_by(
        "load", "pk"
    )
    return members.first()


def route_order(order: WorkOrder, *, by: User | None, exclude: User | None = None) -> WorkOrder:
    """Send `order` where routing says: to the chosen person, or to the team's queue when nobody is free."""
    team, assignee = route(order, exclude=exclude)
    if assignee is not None:
        return actions.assign(order, assignee, by=by)
    if team is not None and (team.pk != order.department_id or order.assigned_to_id is not None):
        return actions.transfer(order, team, by=by, note=str(NOBODY_FREE))
    return order
