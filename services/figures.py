"""The roll-up behind the home pages: customers, accounts and open orders per 台区, in three aggregate queries.

Run by the `refresh-grid-figures` beat entry (services.tasks.refresh_grid_figures) every five minutes; the
pages read services.models.figures.GridFigures and show when it last ran. At 1,000,000 accounts one run is a
few seconds of one database connection every five minutes, instead of a scan on every home page view.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import ElectricityAccount, ServiceGrid
from services.models import WorkOrder
from services.models.figures import GridFigures


def refresh_grid_figures(*, now: datetime | None = None) -> int:
    """Recount every 台区's customers, accounts and open orders and upsert its row; return how many 台区."""
    now = now or timezone.now()
    people = (
        ElectricityAccount.objects.order_by().values("grid").annotate(n=Count("pk"), c=Count("customer", distinct=True))
    )
    accounts = {row["grid"]: (row["c"], row["n"]) for row in people}
    open_orders = dict(
        WorkOrder.objects.open()
        .exclude(grid=None)
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values_list("grid", "n")
    )
    rows = [
        GridFigures(
            grid_id=grid_id,
            customers=accounts.get(grid_id, (0, 0))[0],
            accounts=accounts.get(grid_id, (0, 0))[1],
            open_orders=open_orders.get(grid_id, 0),
            refreshed_at=now,
        )
        for grid_id in ServiceGrid.objects.values_list("pk", flat=True).iterator()
    ]
    with transaction.atomic():
        GridFigures.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["grid"],
            update_fields=["customers", "accounts", "open_orders", "refreshed_at"],
        )
    return len(rows)


def company_totals() -> dict[str, int]:
    """The company's accounts as the last roll-up counted them (one aggregate over a row per 台区)."""
    totals = GridFigures.objects.aggregate(accounts=Sum("accounts"))
    return {"accounts": totals["accounts"] or 0}
