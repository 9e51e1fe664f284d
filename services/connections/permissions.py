"""Who may do what with new connections and changes of use, beside the stage table (services.connections.stages,
which says who works each stage of each type; the stage steps in services.connections.forms read it).

The funnel is for managers and the staff who work the stages; filing is for customers (and staff through the
API); a customer supplies documents only on their own application (WorkOrder.visible_to).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User

FUNNEL_READERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR, Role.COUNTER_STAFF, Role.GRID_MANAGER})


def sees_funnel(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in FUNNEL_READERS
