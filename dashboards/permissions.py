"""Who may read which figures: one table, read by the pages and the API alike.

Managers read the dashboards and scorecards of their unit and every unit below it (the company's
administrators: all); another unit's figures are 404. Managers set targets for their units and import the
external monthly figures. Every member of staff reads their own scorecard.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import STAFF_ROLES, Department, Role, User
from services.permissions import scope_of

READ_DASHBOARD = "read_dashboard"
SET_TARGETS = "set_targets"
IMPORT_FIGURES = "import_figures"
OWN_SCORECARD = "own_scorecard"

MANAGERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
MAY: dict[str, frozenset[str]] = {
    READ_DASHBOARD: MANAGERS,
    SET_TARGETS: MANAGERS,
    IMPORT_FIGURES: MANAGERS,
    OWN_SCORECARD: frozenset(STAFF_ROLES) - {Role.CONVENIENCE_AGENT},
}


def may(user: User | AnonymousUser, what: str) -> bool:
    """Whether `user`'s role may do `what` at all (the 403 rule)."""
    return user.is_authenticated and (user.role in MAY[what] or user.is_superuser)


def is_company_wide(user: User) -> bool:
    return user.role == Role.ADMINISTRATOR or user.is_superuser or user.department_id is None


def home_unit(user: User) -> Department:
    """The unit a manager's dashboard opens on: their own, or the company's root for an administrator."""
    if not is_company_wide(user):
        return user.department
    root = Department.objects.filter(parent=None).order_by("code").first()
    if root is None:
        raise Http404
    return root


def unit_for(user: User, code: str | None) -> Department:
    """The unit asked for by its code, if it is in `user`'s scope (else 404); blank: their home unit."""
    if not code:
        return home_unit(user)
    unit = Department.objects.filter(code=code).first()
    if unit is None or not (is_company_wide(user) or unit.pk in scope_of(user)):
        raise Http404
    return unit


def only(what: str) -> type[BasePermission]:
    """A DRF permission for one row of the table."""

    class May(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return may(request.user, what)

    May.__name__ = f"May_{what}"
    return May
