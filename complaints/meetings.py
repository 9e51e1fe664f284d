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

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
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
    MonthlyComplaintFigures,
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
    counted_at: datetime | None = None  # when the roll-up counted the figures; None: counted for this view
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
# TOTALS' names → the monthly roll-up's columns (complaints.figures).
COLUMNS = {
    "all": "complaints",
    "repeat": "repeats",
    "major": "major",
    "reopened": "reopened",
    "company_fault": "company_fault",
    "overdue": "overdue",
}


GROUPS = (
    "category_id",
    "root_cause_id",
    "root_cause__name",
    "root_cause__name_en",
    "responsible_department_id",
    "responsible_department__name",
)


def _grouped(complaints: QuerySet[Complaint], period: Period, previous: Period) -> list[dict]:
    """One scan: every total of both periods per (category, root cause, responsible unit), rolled up in Python.

    The groups are few (a category, a cause and a unit each), so the rows are hundreds at most, whatever the
    number of complaints; four aggregate queries over the same join took four times as long (bench/).
    """
    counts = {}
    for name, condition in TOTALS.items():
        for which, count in _both(period, previous, condition).items():
            counts[f"{name}_{which}"] = count
    return list(complaints.alias(is_overdue=breached()).values(*GROUPS).annotate(**counts).order_by())


def _whole_month(period: Period) -> bool:
    return period.first.day == 1 and period.previous().first.day == 1 and (period.last + timedelta(days=1)).day == 1


def _from_rollup(department: Department, period: Period, previous: Period) -> tuple[list[dict], datetime | None]:
    """The grouped lines of a whole month and the month before from the roll-up (complaints.figures), with when
    it was counted; ([], None) if it has not counted this month yet."""
    counted = MonthlyComplaintFigures.objects.filter(month=period.first).aggregate(at=Max("refreshed_at"))["at"]
    if counted is None:
        return [], None
    figures = MonthlyComplaintFigures.objects.filter(
        department__in=Department.objects.subtree_of(department).values("pk"),
        month__in=[period.first, previous.first],
    )
    sums = {}
    for name, column in COLUMNS.items():
        sums[f"{name}_current"] = Coalesce(Sum(column, filter=Q(month=period.first)), 0)
        sums[f"{name}_previous"] = Coalesce(Sum(column, filter=Q(month=previous.first)), 0)
    return list(figures.values(*GROUPS).annotate(**sums).order_by()), counted


def _totals(lines: list[dict]) -> dict[str, Row]:
    return {
        name: Row(name, sum(line[f"{name}_current"] for line in lines), sum(line[f"{name}_previous"] for line in lines))
        for name in TOTALS
    }


def _rolled_up(lines: list[dict], key: object) -> list[Row]:
    """The lines added up by `key(line)` → (sort key, label), largest first."""
    rows: dict[object, Row] = {}
    for line in lines:
        group, label = key(line)
        row = rows.setdefault(group, Row(label))
        row.current += line["all_current"]
        row.previous += line["all_previous"]
    return sorted(rows.values(), key=lambda row: (-row.current, -row.previous, row.label))


def _breakdowns(lines: list[dict]) -> tuple[list[Row], list[Row], list[Row]]:
    """By top-level category, by root cause, by responsible unit (the categories' tree read in one small query)."""
    categories = {c.pk: c for c in ComplaintCategory.objects.select_related("parent")}
    english = (get_language() or "").startswith("en")

    def category(line: dict) -> tuple[object, str]:
        found = categories.get(line["category_id"])
        top = found.top if found else None
        return (top.pk if top else None), (top.label if top else "")

    def cause(line: dict) -> tuple[object, str]:
        name = (english and line["root_cause__name_en"]) or line["root_cause__name"] or ""
        return line["root_cause_id"], name

    def unit(line: dict) -> tuple[object, str]:
        return line["responsible_department_id"], line["responsible_department__name"] or ""

    return _rolled_up(lines, category), _rolled_up(lines, cause), _rolled_up(lines, unit)


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
    lines, counted_at = _from_rollup(meeting.department, period, previous) if _whole_month(period) else ([], None)
    if counted_at is None:
        lines = _grouped(complaints, period, previous)
    by_category, by_root_cause, by_unit = _breakdowns(lines)
    return MeetingData(
        meeting=meeting,
        period=period,
        previous=previous,
        counted_at=counted_at,
        totals=_totals(lines),
        by_category=by_category,
        by_root_cause=by_root_cause,
        by_unit=by_unit,
        overdue=_overdue(complaints, period),
        open_actions=list(open_actions_of(meeting.department).exclude(meeting=meeting)[:OPEN_ACTIONS_SHOWN]),
        actions=list(
            meeting.actions.select_related("owner").annotate(complaint_count=Count("complaints")).order_by("due_on")
        ),
        attendees=list(meeting.attendees.order_by("full_name", "username")),
    )
