"""Reading the hall queue: who is called next at a counter, what each counter is doing, and estimated waits.

The order of calling (`next_ticket`), for the tickets waiting at the counter's outlet today that the counter
serves (its services, or transferred to it by name):
1. appointments whose slot has begun, earliest slot first (they were promised their time);
2. tickets transferred to this very counter;
3. anyone who has waited longer than settings.OUTLETS_AGE_BEFORE_PRIORITY (no service starves behind a busier,
   higher-priority one);
4. then by service priority (QueueService.priority, lower first), and the longest waiting first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from outlets.models import Counter, Outlet, QueueService, Ticket, TicketStatus


def callable_by(counter: Counter, *, day: object) -> QuerySet[Ticket]:
    """The tickets `counter` may call now."""
    serves = Q(service__in=counter.services.values("pk"), for_counter__isnull=True) | Q(for_counter=counter)
    return Ticket.objects.filter(serves, outlet_id=counter.outlet_id, day=day, status=TicketStatus.WAITING)


def calling_order(tickets: QuerySet[Ticket], counter: Counter, *, now: datetime) -> QuerySet[Ticket]:
    aged = now - settings.OUTLETS_AGE_BEFORE_PRIORITY
    rank = Case(
        When(due_at__lte=now, then=Value(0)),
        When(for_counter=counter, then=Value(1)),
        When(queued_at__lte=aged, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # Only a due appointment's slot time orders it; before that it queues like anyone else.
    due = Case(When(due_at__lte=now, then=F("due_at")), default=None)
    return tickets.annotate(rank=rank, due=due).order_by(
        "rank", F("due").asc(nulls_last=True), "service__priority", "queued_at", "pk"
    )


def next_ticket(counter: Counter, *, now: datetime, lock: bool = False) -> Ticket | None:
    """The ticket `counter` should call now; with `lock`, row-locked and skipping tickets another counter is
    calling at this moment (two counters never call the same ticket)."""
    tickets = calling_order(callable_by(counter, day=timezone.localdate(now)), counter, now=now)
    if lock:
        tickets = tickets.select_for_update(skip_locked=True, of=("self",))
    return tickets.select_related("service").first()


def current_ticket(counter: Counter) -> Ticket | None:
    """The ticket called to or being served at `counter`, if any."""
    return (
        Ticket.objects.filter(counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        .select_related("service")
        .first()
    )


@dataclass(frozen=True)
class ServiceWait:
    service: QueueService
    waiting: int
    minutes: int  # estimated wait for a ticket taken now


def _recent_service_minutes(outlet: Outlet, *, now: datetime) -> dict[int, float]:
    """Mean service minutes per service over the outlet's last settings.OUTLETS_ESTIMATE_WINDOW of finished tickets."""
    took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    rows = (
        Ticket.objects.filter(
            outlet=outlet,
            status=TicketStatus.DONE,
            finished_at__gte=now - settings.OUTLETS_ESTIMATE_WINDOW,
            started_at__isnull=False,
        )
        .values("service")
        .annotate(mean=Avg(took))
        .order_by()
    )
    return {row["service"]: row["mean"].total_seconds() / 60 for row in rows if row["mean"] is not None}


def waits(outlet: Outlet, *, now: datetime | None = None) -> list[ServiceWait]:
    """Per service the outlet offers: how many wait, and about how long a new ticket waits (three queries).

    The estimate is the people ahead × recent mean service minutes (the service's typical minutes when there
    is no recent history) ÷ the open counters serving it (at least one).
    """
    now = now or timezone.now()
    services = list(
        outlet.services.filter(is_active=True).annotate(
            staffed=Count(
                "counters", filter=Q(counters__outlet=outlet, counters__staffed_by__isnull=False), distinct=True
            )
        )
    )
    waiting = dict(
        Ticket.objects.filter(outlet=outlet, day=timezone.localdate(now), status=TicketStatus.WAITING)
        .values_list("service")
        .annotate(n=Count("pk"))
        .order_by()
    )
    minutes = _recent_service_minutes(outlet, now=now)
    return [
        ServiceWait(
            service,
            waiting.get(service.pk, 0),
            round(
                waiting.get(service.pk, 0) * minutes.get(service.pk, service.typical_minutes) / max(service.staffed, 1)
            ),
        )
        for service in services
    ]
