"""Outage history per 台区 for the dashboards' supply-quality figures: outages and customer-hours lost.

One aggregate query over the closed notices (planned, temporary and fault alike) per 台区, joined to the
roll-up's account count (services.figures); a customer-hour is one account without power for one hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum

from services.notices.models import NoticeGrid, NoticeStatus


@dataclass(frozen=True)
class GridHistory:
    grid_id: int
    grid_code: str
    grid_name: str
    outages: int
    hours: Decimal
    accounts: int

    @property
    def customer_hours(self) -> Decimal:
        return (self.hours * self.accounts).quantize(Decimal("0.1"))


def outage_history(*, since: datetime, until: datetime, grid_ids: Iterable[int] | None = None) -> list[GridHistory]:
    """Each 台区's outages that ended in [since, until): how many, hours without power, customer-hours."""
    rows = NoticeGrid.objects.filter(
        notice__status=NoticeStatus.RESTORED, notice__restored_at__gte=since, notice__restored_at__lt=until
    )
    if grid_ids is not None:
        rows = rows.filter(grid_id__in=list(grid_ids))
    duration = ExpressionWrapper(F("notice__restored_at") - F("notice__starts_at"), output_field=DurationField())
    totals = (
        rows.values("grid_id", "grid__code", "grid__name", "grid__figures__accounts")
        .annotate(outages=Count("notice_id"), lost=Sum(duration))
        .order_by("grid__code")
    )
    return [
        GridHistory(
            grid_id=row["grid_id"],
            grid_code=row["grid__code"],
            grid_name=row["grid__name"],
            outages=row["outages"],
            hours=Decimal(row["lost"].total_seconds() / 3600).quantize(Decimal("0.01")),
            accounts=row["grid__figures__accounts"] or 0,
        )
        for row in totals
    ]
