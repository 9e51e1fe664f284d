"""The account page's inspection history for staff (an accounts.panels panel, registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import ElectricityAccount, User
from services.inspections.models import Inspection
from services.inspections.permissions import may

HISTORY_ROWS = 10


def history(account: ElectricityAccount, user: User) -> dict[str, Any]:
    """The account's latest inspections with their order, plan and findings count: one query."""
    rows = (
        Inspection.objects.filter(account=account)
        .select_related("order", "plan")
        .annotate(finding_count=Count("findings"))
        .order_by("-planned_on", "-pk")[:HISTORY_ROWS]
    )
    return {"inspections": list(rows)}


def history_panel(request: HttpRequest, account: ElectricityAccount) -> str:
    """The panel's HTML for staff who may see inspection history; nothing for anyone else (customers too)."""
    user = request.user
    if not (user.is_authenticated and user.is_employee and may(user, "see_history")):
        return ""
    context = {"account": account, "panel": history(account, user)}
    return render_to_string("inspections/_account_history.html", context, request=request)
