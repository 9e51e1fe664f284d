"""Billing's figures on the managers' dashboards (found by dashboards.registry.autodiscover()).

Fee recovery (电费回收率): of the bills falling due on a day, the share of the amount paid by its due date, per
unit and 台区 (a 台区 customer manager is assessed on it: 100 %). billing.figures.fee_recovery is the same
figure for one month, read in place.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import ElectricityAccount, ServiceGrid
from billing.models import Bill


def fee_recovery_source(d: object) -> str:
    bills, accounts, grids = Bill._meta.db_table, ElectricityAccount._meta.db_table, ServiceGrid._meta.db_table
    return (
        "SELECT '' AS key, b.due_on AS day, g.department_id, a.grid_id, NULL AS person_id, "
        "CASE WHEN b.paid_on IS NOT NULL AND b.paid_on <= b.due_on THEN b.amount ELSE 0 END AS num, "
        f"b.amount AS den FROM {bills} b JOIN {accounts} a ON a.id = b.account_id "
        f"JOIN {grids} g ON g.id = a.grid_id WHERE b.due_on >= %(since)s AND b.due_on < %(until)s"
    )


MEASURES = [
    {
        "code": "fee_recovery",
        "label": _("Fee recovery"),
        "unit": "percent",
        "section": "billing",
        "higher_is_better": True,
        "levels": "dg",
        "source": fee_recovery_source,
        "drill": lambda key: reverse("billing:arrears"),
    }
]
