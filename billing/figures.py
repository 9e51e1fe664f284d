"""Billing's figures for the managers: arrears per account of a 台区, and fee recovery per 台区 and month.

`fee_recovery` is the function the dashboards read (one aggregate query, grouped in SQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import ElectricityAccount
from billing.models import Bill
from services.tariffs.pricing import fen

ZERO = Decimal(0)


@dataclass(frozen=True)
class Recovery:
    grid_id: int
    billed: Decimal
    collected: Decimal  # of those bills, paid by their due date

    @property
    def rate(self) -> Decimal | None:
        """Collected over billed, as a share (1 is 100 %); None when nothing was billed."""
        return (self.collected / self.billed).quantize(Decimal("0.0001")) if self.billed else None


def fee_recovery(period: date, grid_ids: Iterable[int] | None = None) -> dict[int, Recovery]:
    """Per 台区: the month's bills and how much of them was paid by the due date (电费回收率)."""
    bills = Bill.objects.filter(period=period.replace(day=1))
    if grid_ids is not None:
        bills = bills.filter(account__grid_id__in=list(grid_ids))
    on_time = Q(paid_on__isnull=False, paid_on__lte=F("due_on"))
    rows = bills.values("account__grid_id").annotate(
        billed=Sum("amount"), collected=Coalesce(Sum("amount", filter=on_time), Value(ZERO))
    )
    return {
        row["account__grid_id"]: Recovery(row["account__grid_id"], fen(row["billed"]), fen(row["collected"]))
        for row in rows
    }


def arrears_accounts(grid_ids: Iterable[int], today: date) -> QuerySet[ElectricityAccount]:
    """The accounts of these 台区 in arrears, oldest arrears first, each with what is overdue and since when."""
    overdue = Bill.objects.filter(account=OuterRef("pk"), paid_on__isnull=True, due_on__lt=today)
    amount = overdue.values("account").annotate(total=Sum("amount")).values("total")
    bills = overdue.values("account").annotate(n=Count("id")).values("n")
    return (
        ElectricityAccount.objects.filter(grid_id__in=list(grid_ids), arrears_since__isnull=False)
        .select_related("customer", "grid")
        .annotate(
            overdue_amount=Subquery(amount, output_field=DecimalField(max_digits=14, decimal_places=2)),
            overdue_bills=Subquery(bills),
        )
        .order_by("arrears_since", "number")
    )
