"""The monthly roll-up behind the meeting page: complaints per area, month, category, root cause and unit.

Recounted by the `refresh-complaint-figures` beat entry (complaints.tasks) every ten minutes for the last
MONTHS months, in one aggregate query and one bulk insert; the meeting page of a whole month reads it (a few
hundred rows for any branch) instead of joining the area's complaints, work orders and 台区 on every view, and
shows when it was counted (bench/README.md: complaint_meetings.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.meetings import COLUMNS, TOTALS, breached
from complaints.models import COMPLAINT, Complaint, MonthlyComplaintFigures

MONTHS = 14


def window_start(today: date) -> date:
    first = today.replace(day=1)
    for _ in range(MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def refresh_complaint_figures(*, now: datetime | None = None) -> int:
    """Recount the last MONTHS months' complaints into the roll-up; return how many rows it holds now."""
    now = now or timezone.now()
    first = window_start(timezone.localdate(now))
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    counts = {column: Count("pk", filter=TOTALS[name]) for name, column in COLUMNS.items()}
    lines = (
        Complaint.objects.filter(order__kind=COMPLAINT, received_at__gte=start, order__grid__isnull=False)
        .alias(is_overdue=breached())
        .annotate(month=TruncMonth("received_at", output_field=DateField()))
        .values("month", "order__grid__department_id", "category_id", "root_cause_id", "responsible_department_id")
        .annotate(**counts)
        .order_by()
    )
    rows = [
        MonthlyComplaintFigures(
            month=line["month"],
            department_id=line["order__grid__department_id"],
            category_id=line["category_id"],
            root_cause_id=line["root_cause_id"],
            responsible_department_id=line["responsible_department_id"],
            refreshed_at=now,
            **{column: line[column] for column in COLUMNS.values()},
        )
        for line in lines
    ]
    with transaction.atomic():
        MonthlyComplaintFigures.objects.filter(month__gte=first).delete()
        MonthlyComplaintFigures.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
