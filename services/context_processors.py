"""Template context for every page: the unread count of the in-app inbox shown in the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from services.notifications import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """`inbox_unread`: one COUNT query for a signed-in user, none for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": unread_count(user)}
