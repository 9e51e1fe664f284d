"""The account page's inspection history for staff (registered as accounts.staff_panels panel "inspections")."""

from __future__ import annotations

from typing import Any

from accounts.models import ElectricityAccount, User
from accounts.staff_panels import StaffPanel
from services.inspections.models import Inspection
from services.inspections.permissions import may

HISTORY_ROWS = 10


def history(account: ElectricityAccount, user: User) -> dict[str, Any]:
    """The account's latest inspections with their order, plan and findings count: one query."""
    from django.db.models import Count

    rows = (
        Inspection.objects.filter(account=account)
        .select_related("order", "plan")
        .annotate(finding_count=Count("findings"))
        .order_by("-planned_on", "-pk")[:HISTORY_ROWS]
    )
    return {"inspections": list(rows)}


HISTORY_PANEL = StaffPanel(
    name="inspections",
    template="inspections/_account_history.html",
    context=history,
    shown_to=lambda user: may(user, "see_history"),
)
