"""The analysis meeting's page, prepared from the data in a fixed number of queries.

For the meeting's department (and every unit below it) and period: the complaints by top-level category, by
root cause and by responsible unit, each beside the previous period of the same length; the totals (repeats,
major, reopened, the company's fault, overdue); the overdue complaints themselves; the improvement actions
still open in those units; and this meeting's own actions. Every figure is one aggregate query over
`complaints_complaint` joined to its work order and 台区, filtered by the 台区's department subtree and
`received_at`; bench/complaint_meetings.py times the page against the same aggregates in raw SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Department
from complaints.models import (
    COMPLAINT,
    ActionStatus,
    AnalysisMeeting,
    Complaint,
    ComplaintCategory,
    ImprovementAction,
)
from services.models import Clock

OVERDUE_SHOWN = 20
OPEN_ACTIONS_SHOWN = 50


@dataclass(frozen=True)
class Period:
    """A period of whole days, first to last inclusive, as aware datetimes [start, end) in local time."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def previous(self) -> Period:
        """The period of the same length just before; a whole month's is the month before."""
        if self.first.day == 1 and (self.last + timedelta(days=1)).day == 1:
            last = self.first - timedelta(days=1)
            return Period(last.replace(day=1), last)
        length = self.last - self.first
        last = self.first - timedelta(days=1)
        return Period(last - length, last)


@dataclass
class Row:
    """One line of a breakdown: a label, this period's count and the previous period's."""

    label: str
    current: int = 0
    previous: int = 0

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass
class MeetingData:
    meeting: AnalysisMeeting
    period: Period
    previous: Period
    totals: dict[str, Row] = field(default_factory=dict)
    by_category: list[Row] = field(default_factory=list)
    by_root_cause: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)
    overdue: list[Complaint] = field(default_factory=list)
    open_actions: list[ImprovementAction] = field(default_factory=list)
    actions: list[ImprovementAction] = field(default_factory=list)
    attendees: list = field(default_factory=list)


def complaints_of(department: Department, first: date, end: datetime) -> QuerySet[Complaint]:
    """The complaints (kind complaint) from the department's area received from `first` up to `end`.

    A complaint belongs to the unit whose 台区 the customer is in (the order's grid), wherever the complaint
    centre that handles it sits (complaints.routing sends every complaint to the nearest centre).
    """
    subtree = Department.objects.subtree_of(department).values("pk")
    start = timezone.make_aware(datetime.combine(first, time.min))
    return Complaint.objects.filter(
        order__kind=COMPLAINT, order__grid__department__in=subtree, received_at__gte=start, received_at__lt=end
    )


def _in(period: Period) -> Q:
    return Q(received_at__gte=period.start, received_at__lt=period.end)


def _both(period: Period, previous: Period, extra: Q | None = None) -> dict[str, Count]:
    extra = extra or Q()
    return {"current": Count("pk", filter=_in(period) & extra), "previous": Count("pk", filter=_in(previous) & extra)}


def breached() -> Exists:
    """Whether any of the complaint's clocks missed its limit (running past due, or stopped late)."""
    return Exists(Clock.objects.filter(order=OuterRef("order_id"), breached_at__isnull=False))


TOTALS = {
    "all": Q(),
    "repeat": Q(is_repeat=True),
    "major": Q(is_major=True),
    "reopened": Q(reopen_count__gt=0),
    "company_fault": Q(is_company_fault=True),
    "overdue": Q(is_overdue=True),
}


def _totals(complaints: QuerySet[Complaint], period: Period, previous: Period) -> dict[str, Row]:
    aggregates = {}
    for name, condition in TOTALS.items():
        for which, count in _both(period, previous, condition).items():
            aggregates[f"{name}_{which}"] = count
    figures = complaints.alias(is_overdue=breached()).aggregate(**aggregates)
    return {name: Row(name, figures[f"{name}_current"], figures[f"{name}_previous"]) for name in TOTALS}


def _by_category(complaints: QuerySet[Complaint], period: Period, previous: Period) -> list[Row]:
    counts = complaints.values("category_id").annotate(**_both(period, previous)).order_by()
    categories = {c.pk: c for c in ComplaintCategory.objects.select_related("parent")}
    rows: dict[int | None, Row] = {}
    for line in counts:
        category = categories.get(line["category_id"])
        top = category.top if category else None
        row = rows.setdefault(top.pk if top else None, Row(top.label if top else ""))
        row.current += line["current"]
        row.previous += line["previous"]
    return sorted(rows.values(), key=lambda row: (-row.current, -row.previous, row.label))


def _grouped(complaints: QuerySet[Complaint], period: Period, previous: Period, by: str) -> list[Row]:
    counts = complaints.values(*by).annotate(**_both(period, previous)).order_by("-current", "-previous", by[0])
    return [Row(_label(line, by), line["current"], line["previous"]) for line in counts]


def _label(line: dict, by: tuple[str, ...]) -> str:
    name = line[by[0]] or ""
    if len(by) > 1 and (get_language() or "").startswith("en") and line[by[1]]:
        return line[by[1]]
    return name


def _overdue(complaints: QuerySet[Complaint], period: Period) -> list[Complaint]:
    rows = complaints.filter(_in(period)).alias(is_overdue=breached()).filter(is_overdue=True)
    rows = rows.select_related("order", "category", "responsible_department").order_by("received_at", "pk")
    return list(rows[:OVERDUE_SHOWN])


def open_actions_of(department: Department) -> QuerySet[ImprovementAction]:
    """The open improvement actions of the department's subtree's meetings, the most pressing first."""
    subtree = Department.objects.subtree_of(department).values("pk")
    actions = ImprovementAction.objects.filter(status=ActionStatus.OPEN, meeting__department__in=subtree)
    return actions.select_related("owner", "meeting__department").order_by("due_on", "pk")


def prepare(meeting: AnalysisMeeting) -> MeetingData:
    """Everything the meeting page shows, in a fixed number of queries whatever the data."""
    period = Period(meeting.period_start, meeting.period_end)
    previous = period.previous()
    complaints = complaints_of(meeting.department, previous.first, period.end)
    return MeetingData(
        meeting=meeting,
        period=period,
        previous=previous,
        totals=_totals(complaints, period, previous),
        by_category=_by_category(complaints, period, previous),
        by_root_cause=_grouped(complaints, period, previous, ("root_cause__name", "root_cause__name_en")),
        by_unit=_grouped(complaints, period, previous, ("responsible_department__name",)),
        overdue=_overdue(complaints, period),
        open_actions=list(open_actions_of(meeting.department).exclude(meeting=meeting)[:OPEN_ACTIONS_SHOWN]),
        actions=list(
            meeting.actions.select_related("owner").annotate(complaint_count=Count("complaints")).order_by("due_on")
        ),
        attendees=list(meeting.attendees.order_by("full_name", "username")),
    )
