"""Open orders already late, counted per unit and kind every five minutes (beat `count-late-orders`).

Lateness changes with the clock, not only with what people do, so the count is taken again rather than kept by
the actions: one grouped query over the open orders whose running clock is past due (the backbone's partial
index on running clocks), its rows upserted and those only an earlier count found dropped, in one transaction.
The dashboard sums the rows of a subtree and says when they were counted; its drill-down opens the live queue.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dashboards.models import LateOrders
from services.models import Clock, WorkOrder
from services.models.orders import CLOSED


def count_late_orders(*, now: datetime | None = None) -> int:
    """Recount the open late orders per unit and kind and store the counts; return how many rows."""
    now = now or timezone.now()
    late = Clock.objects.filter(state="running", due_at__lt=now).values("order_id")
    counts = (
        WorkOrder.objects.filter(pk__in=late)
        .exclude(status__in=CLOSED)
        .exclude(department=None)
        .order_by()
        .values_list("department_id", "kind")
        .annotate(n=Count("pk"))
    )
    rows = [LateOrders(department_id=pk, kind=kind, orders=n, counted_at=now) for pk, kind, n in counts]
    with transaction.atomic():
        # Upserted, then what an earlier count found and this one did not is dropped: two counts that overlap (a
        # slow one and the next) never collide on a unit and kind, and the newer one's rows stay.
        LateOrders.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["department", "kind"], update_fields=["orders", "counted_at"]
        )
        LateOrders.objects.filter(counted_at__lt=now).delete()
    return len(rows)
