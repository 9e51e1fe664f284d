"""The measures of what exists on the backbone: time limits of every kind (from the clocks, so a new kind is
measured the day it starts clocks), repair arrival and restoration, return visits and the nine
characteristics, complaints, channels and halls, supply quality, and the staff's own figures.

Each source is one SELECT over its events in [%(since)s, %(until)s) (dashboards.registry explains the columns).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceGrid
from accounts.paths import path_of
from complaints.models import Accountability, Complaint, ComplaintCategory, RootCause
from dashboards.dialect import Dialect
from dashboards.registry import Measure, Section, Unit, register
from outlets.models import Outlet, Ticket
from services import kinds, sla
from services.models import Channel, Clock, GridFigures, ReturnVisit, WorkOrder
from services.models.visits import QUALITY_CHARACTERISTICS
from services.notices.models import NoticeGrid, OutageNotice
from services.repair.models import FaultReport


def t(model: type[Model]) -> str:
    return model._meta.db_table


def _within(column: str) -> str:
    return f"{column} >= %(since)s AND {column} < %(until)s"


def _orders_url(name: str, **query: str) -> str:
    return f"{path_of(name)}?{urlencode({k: v for k, v in query.items() if v})}"


# Time limits ----------------------------------------------------------------------------------------------


def on_time_source(d: Dialect) -> str:
    """Every clock stopped in the window: met or breached, under its kind and clock name."""
    return (
        f"SELECT o.kind || '|' || c.name AS key, {d.day('c.stopped_at')} AS day, o.department_id, o.grid_id, "
        f"o.assigned_to_id AS person_id, CASE WHEN c.state = 'met' THEN 1 ELSE 0 END AS num, 1 AS den "
        f"FROM {t(Clock)} c JOIN {t(WorkOrder)} o ON o.id = c.order_id "
        f"WHERE c.state IN ('met', 'breached') AND {_within('c.stopped_at')}"
    )


def kind_clock_label(key: str) -> str:
    kind_code, _sep, clock = key.partition("|")
    kind = kinds.get(kind_code)
    return f"{kind.label if kind else kind_code} · {sla.clock_label(clock)}" if clock else str(kind_code)


def on_time_drill(key: str) -> str:
    return _orders_url("services:closed-orders", kind=key.partition("|")[0])


# Repair ---------------------------------------------------------------------------------------------------


def _repair_within(column: str, limits: tuple[int, ...]) -> object:
    def source(d: Dialect) -> str:
        lims = " UNION ALL ".join(f"SELECT {n} AS lim" for n in limits)
        minutes = d.minutes("o.opened_at", f"f.{column}")
        return (
            f"SELECT {d.text('l.lim')} AS key, {d.day('f.' + column)} AS day, o.department_id, o.grid_id, "
            f"o.assigned_to_id AS person_id, CASE WHEN {minutes} <= l.lim THEN 1 ELSE 0 END AS num, 1 AS den "
            f"FROM {t(FaultReport)} f JOIN {t(WorkOrder)} o ON o.id = f.order_id CROSS JOIN ({lims}) l "
            f"WHERE {_within('f.' + column)}"
        )

    return source


def _repair_minutes(column: str) -> object:
    def source(d: Dialect) -> str:
        return (
            f"SELECT '' AS key, {d.day('f.' + column)} AS day, o.department_id, o.grid_id, "
            f"o.assigned_to_id AS person_id, {d.minutes('o.opened_at', 'f.' + column)} AS num, 1 AS den "
            f"FROM {t(FaultReport)} f JOIN {t(WorkOrder)} o ON o.id = f.order_id WHERE {_within('f.' + column)}"
        )

    return source


def _minutes_keys(*limits: int) -> object:
    return lambda: {str(n): _("within %(n)d min") % {"n": n} for n in limits}


# Satisfaction ---------------------------------------------------------------------------------------------


def visit_rate_source(d: Dialect) -> str:
    """Orders closed in the window, and whether each has its return visit."""
    return (
        f"SELECT '' AS key, {d.day('o.closed_at')} AS day, o.department_id, o.grid_id, o.assigned_to_id AS person_id, "
        f"CASE WHEN v.id IS NULL THEN 0 ELSE 1 END AS num, 1 AS den "
        f"FROM {t(WorkOrder)} o LEFT JOIN {t(ReturnVisit)} v ON v.order_id = o.id "
        f"WHERE o.status = 'closed' AND {_within('o.closed_at')}"
    )


def satisfaction_source(d: Dialect) -> str:
    """Return visits recorded in the window: satisfied is 4 or 5 of 5."""
    return (
        f"SELECT '' AS key, {d.day('v.recorded_at')} AS day, v.department_id, o.grid_id, v.assignee_id AS person_id, "
        f"CASE WHEN v.overall >= 4 THEN 1 ELSE 0 END AS num, 1 AS den "
        f"FROM {t(ReturnVisit)} v JOIN {t(WorkOrder)} o ON o.id = v.order_id WHERE {_within('v.recorded_at')}"
    )


def characteristic_source(d: Dialect) -> str:
    """Each of the nine characteristics rated on a visit: satisfied is 4 or 5 of 5."""
    return " UNION ALL ".join(
        f"SELECT '{code}' AS key, {d.day('v.recorded_at')} AS day, v.department_id, NULL AS grid_id, "
        f"NULL AS person_id, CASE WHEN v.{code} >= 4 THEN 1 ELSE 0 END AS num, 1 AS den "
        f"FROM {t(ReturnVisit)} v WHERE v.{code} IS NOT NULL AND {_within('v.recorded_at')}"
        for code, _label in QUALITY_CHARACTERISTICS
    )


# Complaints -----------------------------------------------------------------------------------------------

# A complaint counts against the unit that serves the customer's 台区 (where the customers of 万户投诉率 are),
# else against the department holding the order.
_COMPLAINT_FROM = (
    f"FROM {t(Complaint)} k JOIN {t(WorkOrder)} o ON o.id = k.order_id "
    f"LEFT JOIN {t(ServiceGrid)} g ON g.id = o.grid_id "
)


def _complaint_source(key: str, num: str, den: str, *, joins: str = "", where: str = "") -> object:
    def source(d: Dialect) -> str:
        return (
            f"SELECT {key} AS key, {d.day('k.received_at')} AS day, COALESCE(g.department_id, o.department_id) "
            f"AS department_id, o.grid_id, k.responsible_employee_id AS person_id, {num} AS num, {den} AS den "
            f"{_COMPLAINT_FROM}{joins}WHERE o.kind = 'complaint' AND {_within('k.received_at')}{where}"
        )

    return source


def _names(model: type[Model]) -> object:
    return lambda: {row.code: str(row) for row in model.objects.all()}


def complaints_drill(key: str) -> str:
    return _orders_url("services:closed-orders", kind="complaint")


def category_drill(key: str) -> str:
    """The complaint queue of one category (the dashboard adds the unit and the period: dashboards.board)."""
    return _orders_url("complaints:queue", category=key)


def cause_drill(key: str) -> str:
    return _orders_url("complaints:queue", cause=key)


# Channels and halls ---------------------------------------------------------------------------------------


def requests_source(d: Dialect) -> str:
    return (
        f"SELECT o.channel AS key, {d.day('o.opened_at')} AS day, o.department_id, o.grid_id, "
        f"o.created_by_id AS person_id, 1 AS num, 1 AS den FROM {t(WorkOrder)} o WHERE {_within('o.opened_at')}"
    )


def online_source(d: Dialect) -> str:
    return (
        f"SELECT '' AS key, {d.day('o.opened_at')} AS day, o.department_id, o.grid_id, NULL AS person_id, "
        f"CASE WHEN o.channel IN ('web', 'kiosk') THEN 1 ELSE 0 END AS num, 1 AS den "
        # Of the customers' requests: what the company opened itself (inspections) was asked for on no channel.
        f"FROM {t(WorkOrder)} o WHERE {_within('o.opened_at')} AND o.channel <> '{Channel.COMPANY}'"
    )


def _ticket_source(key: Callable[[Dialect], str], num: str) -> object:
    """Tickets called in the window (a transfer's continuation left out, as outlets.statistics does)."""

    def source(d: Dialect) -> str:
        wait = d.minutes("k.queued_at", "k.called_at")
        return (
            f"SELECT {key(d)} AS key, {d.day('k.called_at')} AS day, "
            f"u.department_id, u.grid_id, k.served_by_id AS person_id, {num.format(wait=wait)} AS num, 1 AS den "
            f"FROM {t(Ticket)} k JOIN {t(Outlet)} u ON u.id = k.outlet_id "
            f"WHERE k.queued_at IS NOT NULL AND k.transferred_from_id IS NULL AND {_within('k.called_at')}"
        )

    return source


def outlet_names() -> dict[str, str]:
    return {row.code: row.name for row in Outlet.objects.only("code", "name")}


def outlet_drill(key: str) -> str:
    return _orders_url("outlets:statistics", outlet=key)


# Supply quality -------------------------------------------------------------------------------------------


def _outage_source(num: str) -> object:
    def source(d: Dialect) -> str:
        hours = f"({d.minutes('n.starts_at', 'n.restored_at')} / 60.0)"
        return (
            f"SELECT '' AS key, {d.day('n.restored_at')} AS day, g.department_id, g.id AS grid_id, NULL AS person_id, "
            f"{num.format(hours=hours)} AS num, 1 AS den FROM {t(NoticeGrid)} ng "
            f"JOIN {t(OutageNotice)} n ON n.id = ng.notice_id JOIN {t(ServiceGrid)} g ON g.id = ng.grid_id "
            f"LEFT JOIN {t(GridFigures)} f ON f.grid_id = g.id "
            f"WHERE n.status = 'restored' AND n.restored_at IS NOT NULL AND {_within('n.restored_at')}"
        )

    return source


def outages_drill(key: str) -> str:
    return reverse("notices:history")


# Staff ----------------------------------------------------------------------------------------------------


def closed_by_source(d: Dialect) -> str:
    return (
        f"SELECT '' AS key, {d.day('o.closed_at')} AS day, o.department_id, o.grid_id, o.assigned_to_id AS person_id, "
        f"1 AS num, 1 AS den FROM {t(WorkOrder)} o WHERE o.status = 'closed' AND {_within('o.closed_at')}"
    )


def praise_source(d: Dialect) -> str:
    return (
        f"SELECT '' AS key, {d.day('k.received_at')} AS day, COALESCE(k.credited_department_id, o.department_id) "
        f"AS department_id, o.grid_id, k.credited_employee_id AS person_id, 1 AS num, 1 AS den "
        f"FROM {t(Complaint)} k JOIN {t(WorkOrder)} o ON o.id = k.order_id "
        f"WHERE o.kind = 'praise' AND {_within('k.received_at')}"
    )


def accountability_source(d: Dialect) -> str:
    return (
        f"SELECT '' AS key, {d.day('a.at')} AS day, a.department_id, NULL AS grid_id, a.employee_id AS person_id, "
        f"1 AS num, 1 AS den FROM {t(Accountability)} a WHERE {_within('a.at')}"
    )


def register_all() -> None:
    """The backbone's measures, in the order the dashboard shows them."""
    for measure in _measures():
        register(measure)


def _measures() -> list[Measure]:
    characteristics = dict(QUALITY_CHARACTERISTICS)
    channels = dict(WorkOrder._meta.get_field("channel").choices)
    return [
        Measure(
            "on_time",
            _("Time-limit compliance"),
            Unit.PERCENT,
            Section.TIME,
            on_time_source,
            levels="dgp",
            drill=on_time_drill,
            name_key=kind_clock_label,
        ),
        Measure(
            "arrival_within",
            _("Repair arrival within the limit"),
            Unit.PERCENT,
            Section.REPAIR,
            _repair_within("arrived_at", (45, 90, 120)),
            keys=_minutes_keys(45, 90, 120),
            drill=lambda key: _orders_url("services:closed-orders", kind="repair"),
        ),
        Measure(
            "arrival_minutes",
            _("Average arrival time"),
            Unit.MINUTES,
            Section.REPAIR,
            _repair_minutes("arrived_at"),
            higher_is_better=False,
            levels="dp",
        ),
        Measure(
            "restoration_within",
            _("Restoration within the limit"),
            Unit.PERCENT,
            Section.REPAIR,
            _repair_within("restored_at", (180, 240)),
            keys=_minutes_keys(180, 240),
            drill=lambda key: _orders_url("services:closed-orders", kind="repair"),
        ),
        Measure(
            "restoration_minutes",
            _("Average restoration time"),
            Unit.MINUTES,
            Section.REPAIR,
            _repair_minutes("restored_at"),
            higher_is_better=False,
        ),
        Measure(
            "visit_rate", _("Return-visit rate"), Unit.PERCENT, Section.SATISFACTION, visit_rate_source, levels="dg"
        ),
        Measure(
            "satisfaction", _("Satisfaction"), Unit.PERCENT, Section.SATISFACTION, satisfaction_source, levels="dgp"
        ),
        Measure(
            "characteristic",
            _("Satisfaction by quality characteristic"),
            Unit.PERCENT,
            Section.SATISFACTION,
            characteristic_source,
            keys=lambda: characteristics,
        ),
        Measure(
            "complaint_rate",
            _("Complaints per 10,000 customers"),
            Unit.PER_10K,
            Section.COMPLAINTS,
            _complaint_source("''", "1", "1"),
            higher_is_better=False,
            drill=complaints_drill,
        ),
        Measure(
            "complaint_category",
            _("Complaints by category"),
            Unit.COUNT,
            Section.COMPLAINTS,
            _complaint_source(
                "COALESCE(c.code, '')", "1", "1", joins=f"LEFT JOIN {t(ComplaintCategory)} c ON c.id = k.category_id "
            ),
            higher_is_better=False,
            keys=_names(ComplaintCategory),
            drill=category_drill,
        ),
        Measure(
            "complaint_cause",
            _("Complaints by root cause"),
            Unit.COUNT,
            Section.COMPLAINTS,
            _complaint_source("r.code", "1", "1", joins=f"JOIN {t(RootCause)} r ON r.id = k.root_cause_id "),
            higher_is_better=False,
            keys=_names(RootCause),
            drill=cause_drill,
        ),
        Measure(
            "company_fault",
            _("Complaints of the company's responsibility"),
            Unit.COUNT,
            Section.COMPLAINTS,
            _complaint_source("''", "1", "1", where=" AND k.is_company_fault"),
            higher_is_better=False,
            levels="dgp",
            drill=complaints_drill,
        ),
        Measure(
            "company_share",
            _("Company's-responsibility share"),
            Unit.PERCENT,
            Section.COMPLAINTS,
            _complaint_source(
                "''", "CASE WHEN k.is_company_fault THEN 1 ELSE 0 END", "1", where=" AND k.is_company_fault IS NOT NULL"
            ),
            higher_is_better=False,
        ),
        Measure(
            "repeat_share",
            _("Repeat complaints"),
            Unit.PERCENT,
            Section.COMPLAINTS,
            _complaint_source("''", "CASE WHEN k.is_repeat THEN 1 ELSE 0 END", "1"),
            higher_is_better=False,
        ),
        Measure(
            "reopened_share",
            _("Reopened complaints"),
            Unit.PERCENT,
            Section.COMPLAINTS,
            _complaint_source("''", "CASE WHEN k.reopen_count > 0 THEN 1 ELSE 0 END", "1"),
            higher_is_better=False,
        ),
        Measure(
            "requests", _("Requests by channel"), Unit.COUNT, Section.CHANNELS, requests_source, keys=lambda: channels
        ),
        Measure("online_share", _("Handled online or at a kiosk"), Unit.PERCENT, Section.CHANNELS, online_source),
        Measure(
            "wait_minutes",
            _("Average hall wait"),
            Unit.MINUTES,
            Section.CHANNELS,
            _ticket_source(lambda d: "u.code", "{wait}"),
            higher_is_better=False,
            keys=outlet_names,
            drill=outlet_drill,
        ),
        Measure(
            "long_wait_share",
            _("Waits over 15 minutes"),
            Unit.PERCENT,
            Section.CHANNELS,
            _ticket_source(lambda d: "''", "CASE WHEN {wait} > 15 THEN 1 ELSE 0 END"),
            higher_is_better=False,
        ),
        Measure(
            "wait_by_hour",
            _("Average hall wait by hour"),
            Unit.MINUTES,
            Section.CHANNELS,
            _ticket_source(lambda d: d.text(d.hour("k.queued_at")), "{wait}"),
            higher_is_better=False,
        ),
        Measure(
            "tickets_served",
            _("Hall customers served"),
            Unit.COUNT,
            Section.STAFF,
            _ticket_source(lambda d: "''", "1"),
            levels="dp",
        ),
        Measure(
            "outages",
            _("Outages"),
            Unit.COUNT,
            Section.SUPPLY,
            _outage_source("1"),
            higher_is_better=False,
            levels="dg",
            drill=outages_drill,
        ),
        Measure(
            "customer_hours",
            _("Customer-hours lost"),
            Unit.HOURS,
            Section.SUPPLY,
            _outage_source("{hours} * COALESCE(f.accounts, 0)"),
            higher_is_better=False,
            levels="dg",
            drill=outages_drill,
        ),
        Measure("orders_closed", _("Orders closed"), Unit.COUNT, Section.STAFF, closed_by_source, levels="dp"),
        Measure("praise", _("Praise"), Unit.COUNT, Section.STAFF, praise_source, levels="dp"),
        Measure(
            "accountability",
            _("Accountability findings"),
            Unit.COUNT,
            Section.STAFF,
            accountability_source,
            higher_is_better=False,
            levels="dp",
        ),
    ]
