"""Template context for every page: the inbox's unread count, and the menus the registered kinds add."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from services import kinds
from services.forms import can_enter_orders
from services.notifications import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """`inbox_unread`: one COUNT query for a signed-in user, none for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": unread_count(user)}


def menus(request: HttpRequest) -> dict[str, Any]:
    """The kinds' links for the navigation (services.kinds.Entry), by who is signed in; no queries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_customer:
        return {"new_request_entries": kinds.entries(for_staff=False)}
    staff_entries = kinds.entries(for_staff=True, user=user) if can_enter_orders(user) else []
    return {"staff_entries": staff_entries, "staff_tools": kinds.tools_for(user)}
