"""The outlet page's kiosk panel: each kiosk's state (online, needs attention, offline, revoked), for staff only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from outlets.models import Kiosk, Outlet

register = template.Library()


@register.inclusion_tag("outlets/_kiosks.html", takes_context=True)
def kiosk_panel(context: dict[str, Any], outlet: Outlet) -> dict[str, Any]:
    """The outlet's kiosks with their state, in one query; nothing for customers and visitors."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not getattr(user, "is_employee", False):
        return {"shown": False}
    now = timezone.now()
    kiosks = list(Kiosk.objects.filter(outlet=outlet).order_by("revoked_at", "name"))
    return {"shown": True, "rows": [(kiosk, kiosk.state(now)) for kiosk in kiosks]}
