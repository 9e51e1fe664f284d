"""Template filters of the complaints' pages: who may see a confidential reporter."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from complaints import permissions

register = template.Library()


@register.filter
def sees_reporter(user: User | AnonymousUser) -> bool:
    """Complaint handlers and managers only (complaints.permissions.may_see_reporter)."""
    return permissions.may_see_reporter(user)


@register.filter
def label(labels: dict[str, str], code: str) -> str:
    """A code's label from a dict the view built once per page (a status, a kind, a channel), else the code.

    `order.get_status_display` per row rebuilds the registry's choices and translates each of them again.
    """
    return labels.get(code, code)
