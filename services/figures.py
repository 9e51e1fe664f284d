"""The roll-up behind the home pages: customers, accounts and open orders per 台区, in three aggregate queries.

Run by the `refresh-grid-figures` beat entry (services.tasks.refresh_grid_figures) every five minutes; the
pages read services.models.figures.GridFigures and show when it last ran. At 1,000,000 accounts one run takes
about 1.4 s of one database connection every five minutes (bench/README.md), instead of a scan on every view.
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
    people, orders = _people_per_grid(), _open_orders_per_grid()
    rows = [
        GridFigures(
            grid_id=grid_id,
            customers=people.get(grid_id, (0, 0))[0],
            accounts=people.get(grid_id, (0, 0))[1],
            open_orders=orders.get(grid_id, 0),
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


def _people_per_grid() -> dict[int, tuple[int, int]]:
    """(customers, accounts) per 台区: one pass over the accounts, the distinct count included."""
    counts = ElectricityAccount.objects.order_by().values("grid")
    counts = counts.annotate(accounts=Count("pk"), customers=Count("customer", distinct=True))
    return {row["grid"]: (row["customers"], row["accounts"]) for row in counts}


def _open_orders_per_grid() -> dict[int, int]:
    """Open orders per 台区, read through the partial index on open orders' 台区."""
    counts = WorkOrder.objects.open().exclude(grid=None).order_by().values("grid").annotate(n=Count("pk"))
    return dict(counts.values_list("grid", "n"))


def company_totals() -> dict[str, int]:
    """The company's accounts as the last roll-up counted them (one aggregate over a row per 台区)."""
    totals = GridFigures.objects.aggregate(accounts=Sum("accounts"))
    return {"accounts": totals["accounts"] or 0}
