"""Queue statistics: waiting and service time by outlet, service, counter, staff and hour; long waits; peaks.

Every figure is one SQL aggregate over the served tickets of a period (called tickets: waited = called_at −
queued_at; served tickets: service = finished_at − started_at), grouped by one dimension. The published
commitment is an average wait of at most 15 minutes (DOMAIN.md §3), so the share of waits over 15 minutes
is reported beside the mean. Hours are local (Asia/Shanghai), as a manager reads a hall's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from outlets.models import Outlet, Ticket, TicketStatus

LONG_WAIT = timedelta(minutes=15)

DIMENSIONS = {
    "outlet": ("outlet__name",),
    "service": ("service__prefix", "service__name"),
    "counter": ("outlet__name", "counter__number"),
    "staff": ("served_by__full_name", "served_by__username"),
    "hour": ("hour",),
    "weekday": ("weekday",),
}


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive


def period_of(days: str) -> Period:
    """The period asked for (days=7|30|90|365 back from today), the last 30 days by default."""
    days_back = int(days) if days in ("7", "30", "90", "365") else 30
    today = timezone.localdate()
    return Period(today - timedelta(days=days_back - 1), today)


def tickets_of(outlets: QuerySet[Outlet], period: Period) -> QuerySet[Ticket]:
    """The tickets that were called in the period at these outlets (the ones whose wait is known). A transfer's
    continuation is left out: it carries the first ticket's queued_at, and the customer's wait is counted once,
    up to their first call."""
    return Ticket.objects.filter(
        outlet__in=outlets,
        day__gte=period.since,
        day__lte=period.until,
        called_at__isnull=False,
        transferred_from__isnull=True,
    )


def _figures() -> dict[str, object]:
    waited = ExpressionWrapper(F("called_at") - F("queued_at"), output_field=DurationField())
    served = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    long_wait = Q(called_at__gt=F("queued_at") + LONG_WAIT)
    return {
        "tickets": Count("pk"),
        "mean_wait": Avg(waited),
        "mean_service": Avg(served, filter=Q(status=TicketStatus.DONE)),
        "long_waits": Count("pk", filter=long_wait),
        "no_shows": Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
    }


def by(dimension: str, tickets: QuerySet[Ticket], *, limit: int = 50) -> list[dict]:
    """Figures per value of `dimension` (one query), busiest first, or in hour/weekday order."""
    fields = DIMENSIONS[dimension]
    rows = tickets.annotate(hour=ExtractHour("called_at"), weekday=ExtractIsoWeekDay("called_at"))
    rows = rows.values(*fields).annotate(**_figures())
    ordered = rows.order_by(*fields) if dimension in ("hour", "weekday") else rows.order_by("-tickets", *fields)
    return [_finish(row, fields) for row in ordered[:limit]]


def overall(tickets: QuerySet[Ticket]) -> dict:
    return _finish(tickets.aggregate(**_figures()), ())


def _minutes(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


def _finish(row: dict, fields: tuple[str, ...]) -> dict:
    tickets = row["tickets"] or 0
    return {
        "label": " · ".join(str(row[f]) for f in fields if row.get(f) not in (None, "")),
        "tickets": tickets,
        "mean_wait_minutes": _minutes(row["mean_wait"]),
        "mean_service_minutes": _minutes(row["mean_service"]),
        "long_wait_share": round(100 * row["long_waits"] / tickets, 1) if tickets else None,
        "no_shows": row["no_shows"],
    }


def peak_hours(hourly: list[dict], *, top: int = 3) -> list[dict]:
    """The busiest hours of the day by tickets called."""
    return sorted(hourly, key=lambda row: -row["tickets"])[:top]
