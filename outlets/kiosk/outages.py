"""The outage notices a kiosk shows a customer: one function, so the source can change in one place.

These are the published outage notices (services.notices) on the 台区 of the customer's accounts, live or
upcoming: planned and temporary maintenance, and fault outages, which the repair process publishes as notices
while they last.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from services.notices.models import OutageNotice


def outage_notices(grid_ids: Iterable[int]) -> QuerySet[OutageNotice]:
    """Published notices, live or upcoming, covering any of these 台区; the soonest first."""
    return OutageNotice.objects.current().for_grids(grid_ids).order_by("starts_at", "pk")
