"""The outage notices a kiosk shows a customer: one function, so the source can change in one place.

Today these are the live outage events of fault repair (services.repair.models.OutageEvent) on the 台区 of the
customer's accounts. When published outage notices exist (planned and unplanned, with their areas), this is the
function to point at them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from services.repair.models import OutageEvent


def outage_notices(grid_ids: Iterable[int]) -> QuerySet[OutageEvent]:
    """The outages now live on these 台区, latest first (the partial index outage_live_idx serves it)."""
    return (
        OutageEvent.objects.filter(grid_id__in=grid_ids, restored_at__isnull=True)
        .select_related("grid")
        .order_by("-started_at")
    )
