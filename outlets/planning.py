"""Outlet planning: which areas need face-to-face service most, and where outlets fall short of their peaks.

For every 台区 with a location (outlets.GridLocation), over the last twelve months:
customers (services' GridFigures roll-up), consumption (MWh, meter readings), requests per 10,000 customers
by channel (face to face = counter, convenience point, kiosk), the nearest active outlet and the distance to
it, and the mean wait there. Each is one grouped SQL query; the join of 台区 to outlets is done in Python over
the ~50 outlets. The score is a sum of points the manager can check on the page (SCORE_RULES): up to 10
each for customers, consumption and face-to-face requests per 10,000 customers, relative to the area with
the most; 2 per km beyond 3 km to the nearest outlet; 1 per minute of mean wait beyond 15 minutes there.

A high-scoring area far (> 5 km) from any outlet is proposed for a new convenience point (a hall if it has
more than 2,000 customers); a near one whose outlet waits long is proposed for more counters or hours there.
Outlets are compared with their own peaks: arrivals in their busiest hour against what their counters serve
in an hour at their mean service time.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import MeterReading
from outlets.finder import km_between
from outlets.models import GridLocation, Outlet, OutletKind, Ticket, TicketStatus
from services.models import Channel, GridFigures, WorkOrder

FACE_TO_FACE = (Channel.COUNTER, Channel.CONVENIENCE_POINT, Channel.KIOSK)
FAR_KM = 5.0
HALL_CUSTOMERS = 2_000
LONG_WAIT = timedelta(minutes=15)
LONG_WAIT_SHARE = 20.0  # percent of a peak hour's customers waiting over 15 minutes that calls for action
POINT_LABELS = {
    "customers": _("customers"),
    "consumption": _("consumption"),
    "face_to_face": _("face-to-face requests"),
    "distance": _("distance"),
    "wait": _("wait"),
}
SCORE_RULES = (
    _("up to 10 points for customers: 10 × the area's customers ÷ the most of any area"),
    _("up to 10 points for consumption, likewise"),
    _("up to 10 points for face-to-face requests per 10,000 customers, likewise"),
    _("2 points per km beyond 3 km to the nearest outlet"),
    _("1 point per minute of mean wait beyond 15 at the nearest outlet"),
)


@dataclass
class Area:
    code: str
    name: str
    district: str
    customers: int = 0
    mwh: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)
    nearest: Outlet | None = None
    distance_km: float = 0.0
    wait_minutes: float = 0.0
    points: dict[str, float] = field(default_factory=dict)
    proposal: str = ""

    @property
    def per_10k(self) -> dict[str, float]:
        return {c: round(n * 10_000 / self.customers, 1) if self.customers else 0.0 for c, n in self.requests.items()}

    @property
    def face_to_face_per_10k(self) -> float:
        return sum(v for c, v in self.per_10k.items() if c in FACE_TO_FACE)

    @property
    def score(self) -> float:
        return round(sum(self.points.values()), 1)

    @property
    def score_parts(self) -> list[tuple[str, float]]:
        """The score's points by what earned them, for the page (the score is their sum)."""
        return [(str(POINT_LABELS[name]), value) for name, value in self.points.items() if value]


def _since(today: date) -> date:
    return today - timedelta(days=365)


def _outlet_waits(since: date) -> dict[int, float]:
    waited = ExpressionWrapper(F("called_at") - F("queued_at"), output_field=DurationField())
    rows = Ticket.objects.filter(day__gte=since, called_at__isnull=False).values("outlet").annotate(w=Avg(waited))
    return {r["outlet"]: r["w"].total_seconds() / 60 for r in rows.order_by() if r["w"] is not None}


def areas(*, today: date | None = None) -> list[Area]:
    """Every located 台区 with its figures and score, highest score first (five queries)."""
    today = today or timezone.localdate()
    since = _since(today)
    found = {
        loc.grid_id: Area(loc.grid.code, loc.grid.name, loc.district)
        for loc in GridLocation.objects.select_related("grid")
    }
    coordinates = {
        loc.grid_id: (float(loc.latitude), float(loc.longitude))
        for loc in GridLocation.objects.only("grid", "latitude", "longitude")
    }
    for grid_id, customers in GridFigures.objects.filter(grid_id__in=found).values_list("grid_id", "customers"):
        found[grid_id].customers = customers
    readings = MeterReading.objects.filter(period__gte=since, account__grid_id__in=found)
    for row in readings.values("account__grid_id").annotate(kwh=Sum("total_kwh")).order_by():
        found[row["account__grid_id"]].mwh = float(row["kwh"] or 0) / 1000
    orders = WorkOrder.objects.filter(opened_at__date__gte=since, grid_id__in=found)
    for row in orders.values("grid_id", "channel").annotate(n=Count("pk")).order_by():
        found[row["grid_id"]].requests[row["channel"]] = row["n"]
    outlets = list(Outlet.objects.active())
    waits = _outlet_waits(since)
    for grid_id, area in found.items():
        _place(area, coordinates[grid_id], outlets, waits)
    _score(list(found.values()))
    return sorted(found.values(), key=lambda a: -a.score)


def _share(value: float, most: float) -> float:
    return round(10 * value / most, 1) if most else 0.0


def _score(areas: list[Area]) -> None:
    """Each area's points (SCORE_RULES): demand relative to the busiest area, distance and wait absolute."""
    most = {
        "customers": max((a.customers for a in areas), default=0),
        "consumption": max((a.mwh for a in areas), default=0),
        "face_to_face": max((a.face_to_face_per_10k for a in areas), default=0),
    }
    for area in areas:
        area.points = {
            "customers": _share(area.customers, most["customers"]),
            "consumption": _share(area.mwh, most["consumption"]),
            "face_to_face": _share(area.face_to_face_per_10k, most["face_to_face"]),
            "distance": round(2 * max(area.distance_km - 3, 0), 1),
            "wait": round(max(area.wait_minutes - 15, 0), 1),
        }
        area.proposal = _proposal(area)


def _place(area: Area, where: tuple[float, float], outlets: list[Outlet], waits: dict[int, float]) -> None:
    if outlets:
        nearest = min(outlets, key=lambda o: km_between(*where, float(o.latitude), float(o.longitude)))
        area.nearest = nearest
        area.distance_km = round(km_between(*where, float(nearest.latitude), float(nearest.longitude)), 1)
        area.wait_minutes = round(waits.get(nearest.pk, 0.0), 1)


def _proposal(area: Area) -> str:
    if area.distance_km > FAR_KM:
        kind = OutletKind.HALL if area.customers > HALL_CUSTOMERS else OutletKind.POINT
        return str(_("New %(kind)s here") % {"kind": kind.label})
    if area.wait_minutes > 15 and area.nearest is not None:
        return str(_("More counters or hours at %(outlet)s") % {"outlet": area.nearest.name})
    return ""


@dataclass
class District:
    name: str
    areas: list[Area]

    @property
    def customers(self) -> int:
        return sum(a.customers for a in self.areas)

    @property
    def score(self) -> float:
        return round(sum(a.score for a in self.areas), 1)

    @property
    def far_customers(self) -> int:
        return sum(a.customers for a in self.areas if a.distance_km > FAR_KM)


def districts(ranked: list[Area]) -> list[District]:
    grouped: dict[str, list[Area]] = defaultdict(list)
    for area in ranked:
        grouped[area.district].append(area)
    return sorted((District(name, rows) for name, rows in grouped.items()), key=lambda d: -d.score)


@dataclass
class Shortfall:
    outlet: Outlet
    peak_hour: int
    arrivals_per_hour: float
    capacity_per_hour: float
    long_wait_share: float
    counters_used: int  # the counters that served at that hour

    @property
    def counters_needed(self) -> int:
        """Counters to open at the peak hour for its arrivals (at least one more when waits run long)."""
        per_counter = self.capacity_per_hour / max(self.counters_used, 1)
        short = self.arrivals_per_hour - self.capacity_per_hour
        return max(1, math.ceil(short / per_counter)) if per_counter else 1

    @property
    def counters_spare(self) -> int:
        """Counters the outlet has that stood idle at its peak; beyond them it needs longer hours or more counters."""
        return max(0, self.outlet.counter_count - self.counters_used)  # type: ignore[attr-defined]


def shortfalls(*, today: date | None = None, weeks: int = 8) -> list[Shortfall]:
    """Outlets whose busiest hour brings more customers than the counters open then serve in an hour, or where
    more than LONG_WAIT_SHARE % of that hour's customers wait over 15 minutes (two queries)."""
    today = today or timezone.localdate()
    since = today - timedelta(weeks=weeks)
    served = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    rows = (
        Ticket.objects.filter(day__gte=since, day__lt=today, queued_at__isnull=False)
        .annotate(hour=ExtractHour("queued_at"))
        .values("outlet", "hour")
        .annotate(
            n=Count("pk"),
            days=Count("day", distinct=True),
            counters=Count("counter", distinct=True),
            service=Avg(served, filter=Q(status=TicketStatus.DONE)),
            long=Count("pk", filter=Q(called_at__gt=F("queued_at") + LONG_WAIT)),
        )
        .order_by()
    )
    peaks: dict[int, dict] = {}
    for row in rows:
        rate = row["n"] / max(row["days"], 1)
        if row["outlet"] not in peaks or rate > peaks[row["outlet"]]["rate"]:
            peaks[row["outlet"]] = {**row, "rate": rate}
    outlets = Outlet.objects.filter(pk__in=peaks).annotate(counter_count=Count("counters"))
    result = []
    for outlet in outlets:
        peak = peaks[outlet.pk]
        minutes = peak["service"].total_seconds() / 60 if peak["service"] else 8.0
        capacity = max(peak["counters"], 1) * 60 / max(minutes, 1)
        share = round(100 * peak["long"] / peak["n"], 1)
        if peak["rate"] > capacity or share > LONG_WAIT_SHARE:
            result.append(
                Shortfall(outlet, peak["hour"], round(peak["rate"], 1), round(capacity, 1), share, peak["counters"])
            )
    return sorted(result, key=lambda s: -(s.arrivals_per_hour - s.capacity_per_hour))
