"""What a hall's screen shows: the tickets being called and where, and the wait for each service.

`state` costs the same few queries however busy the day (tests/outlets/test_board.py counts them): the last
calls of today, and outlets.queue.waits. `latest` changes with every call or recall, and the screen chimes
when it sees it change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from outlets import queue
from outlets.models import Outlet, Ticket, TicketStatus

SHOWN = 8  # the calls on the screen: the newest large, the ones before it smaller


@dataclass(frozen=True)
class Board:
    calls: list[Ticket]
    waits: list[queue.ServiceWait]
    latest: str  # an opaque marker of the newest call; the screen chimes when it changes
    at: datetime


def state(outlet: Outlet, *, now: datetime | None = None) -> Board:
    now = now or timezone.now()
    calls = list(
        Ticket.objects.filter(
            outlet=outlet,
            day=timezone.localdate(now),
            status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
            announced_at__isnull=False,
        )
        .select_related("counter", "service")
        .order_by("-announced_at")[:SHOWN]
    )
    latest = f"{calls[0].pk}-{calls[0].announced_at:%H%M%S%f}" if calls else ""
    return Board(calls, queue.waits(outlet, now=now), latest, now)
