"""The dispatch board's list: open repairs by 台区, nearest arrival deadline first."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from services.models import WorkOrder
from services.models.orders import WorkOrderQuerySet
from services.queues import running_clocks
from services.repair.models import FAULT_REPAIR


def open_repairs(user: User, now: datetime) -> WorkOrderQuerySet:
    """Open fault repairs for the dispatcher, by 台区 and then the nearest arrival deadline."""
    arrival = running_clocks().filter(name="arrival").values("due_at")[:1]
    restoration = running_clocks().filter(name="restoration").values("due_at")[:1]
    orders = WorkOrder.objects.visible_to(user).open().filter(kind=FAULT_REPAIR)
    orders = orders.annotate(arrival_due_at=Subquery(arrival), restoration_due_at=Subquery(restoration))
    orders = orders.annotate(grid_code=Coalesce("grid__code", Value("")))
    return orders.select_related("grid", "assigned_to", "fault").order_by(
        "grid_code", F("arrival_due_at").asc(nulls_last=True), "opened_at", "pk"
    )
