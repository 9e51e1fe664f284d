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
