"""The public outlet finder: outlets nearest first from a place, open now or not, and how many wait there.

The place is the signed-in customer's 台区 (their first linked account's), a 台区 code, or a typed area:
a district (椒江区), a street or town (海门街道) or a locality (东山新村), matched against the 台区 locations
administrators keep (outlets.GridLocation) and geocoded to the mean of the matching 台区' coordinates. There
is no external geocoding service: halls and intranets are often offline, and the 台区 are where customers are.

Distances are great-circle kilometres, computed in Python over the active outlets (a city has about fifty);
the page costs the same handful of queries whatever the number of tickets or outlets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from outlets import hours
from outlets.models import Counter, GridLocation, OpeningException, Outlet, Ticket, TicketStatus
from services.sla import WorkingCalendar

EARTH_KM = 6371.0


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str


@dataclass
class FoundOutlet:
    outlet: Outlet
    distance_km: float | None
    is_open: bool
    periods: list[hours.Period]
    waiting: int
    staffed: int
    wait_minutes: int


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _mean_place(locations: list[GridLocation], label: str) -> Place | None:
    if not locations:
        return None
    lat = sum(float(loc.latitude) for loc in locations) / len(locations)
    lon = sum(float(loc.longitude) for loc in locations) / len(locations)
    return Place(lat, lon, label)


def place_of_text(text: str) -> Place | None:
    """Geocode a typed area by the 台区 locations it names (one query); None when nothing matches."""
    text = text.strip()[:50]
    if not text:
        return None
    matches = Q(district__icontains=text) | Q(town__icontains=text) | Q(grid__name__icontains=text)
    matches |= Q(grid__code__iexact=text)
    # A whole address names its district, town and locality: try the longest known names it contains.
    locations = list(GridLocation.objects.select_related("grid").filter(matches)[:200])
    if not locations:
        locations = [loc for loc in GridLocation.objects.select_related("grid") if _named_in(loc, text)]
    return _mean_place(locations, text)


def _named_in(location: GridLocation, text: str) -> bool:
    locality = location.grid.name.removesuffix("台区")
    return bool(locality) and locality in text or bool(location.town) and location.town in text


def place_of_user(user: User | AnonymousUser) -> Place | None:
    """The signed-in customer's 台区, by their first linked account."""
    if not user.is_authenticated or not user.is_customer:
        return None
    location = (
        GridLocation.objects.select_related("grid")
        .filter(grid__accounts__linked_user=user)
        .order_by("grid__accounts__number")
        .first()
    )
    return _mean_place([location], location.grid.name) if location else None


def _with_figures(outlets: object, *, now: datetime) -> object:
    today = timezone.localdate(now)
    waiting = Ticket.objects.filter(outlet=OuterRef("pk"), day=today, status=TicketStatus.WAITING)
    staffed = Counter.objects.filter(outlet=OuterRef("pk"), staffed_by__isnull=False)

    def count_of(rows: object) -> Coalesce:
        counted = rows.order_by().values("outlet").annotate(n=Count("pk")).values("n")  # type: ignore[attr-defined]
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return outlets.annotate(  # type: ignore[attr-defined]
        waiting=count_of(waiting),
        staffed=count_of(staffed),
        typical=Avg("services__typical_minutes"),
    ).prefetch_related(
        "hours",
        Prefetch("exceptions", queryset=OpeningException.objects.filter(day=today), to_attr="today_exceptions"),
    )


def find(place: Place | None, *, now: datetime | None = None, kind: str = "", limit: int = 20) -> list[FoundOutlet]:
    """The active outlets (of `kind`, if given), nearest to `place` first (by code without one)."""
    now = now or timezone.now()
    outlets = Outlet.objects.active().select_related("department")
    if kind:
        outlets = outlets.filter(kind=kind)
    calendar, today = WorkingCalendar(), timezone.localdate(now)
    found = []
    for outlet in _with_figures(outlets, now=now):
        periods = hours.periods_on(
            outlet, today, calendar=calendar, hours=outlet.hours.all(), exceptions=outlet.today_exceptions
        )
        distance = (
            km_between(place.latitude, place.longitude, float(outlet.latitude), float(outlet.longitude))
            if place
            else None
        )
        minutes = round(outlet.waiting * float(outlet.typical or Decimal(8)) / max(outlet.staffed, 1))
        found.append(
            FoundOutlet(
                outlet, distance, hours.is_open_at(periods, now), periods, outlet.waiting, outlet.staffed, minutes
            )
        )
    found.sort(key=lambda f: (f.distance_km if f.distance_km is not None else 0, f.outlet.code))
    return found[:limit]
