"""The managers' dashboard: headline figures against their targets, and one table (with its chart) per
question a manager asks, for a unit's subtree and a period, compared with the period before."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from math import sqrt
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ServiceGrid
from complaints.models.meetings import ImprovementAction
from dashboards import queries, registry, targets
from dashboards.models import ChartNote, LateOrders, Level
from dashboards.periods import Period
from dashboards.queries import ZERO, Scope, Sums
from dashboards.tables import Row, Table, bar_chart
from outlets.models import Kiosk, silent_at
from services import kinds

HEADLINES = [
    "on_time",
    "satisfaction",
    "visit_rate",
    "complaint_rate",
    "online_share",
    "wait_minutes",
    "arrival_minutes",
    "customer_hours",
]
CONTROL = ["on_time", "satisfaction"]
CONTROL_WEEKS = 26
PARETO_LIMIT = 80  # per cent: the "vital few" a Pareto chart picks out


@dataclass(frozen=True)
class TrendPoint:
    month: date  # its first day
    value: Decimal | None  # None: nothing measured that month (a gap in the sparkline)


@dataclass
class Card:
    measure: registry.Measure
    value: Decimal | None
    previous: Decimal | None
    target: Decimal | None
    rag: str
    owner: str
    trend: list[TrendPoint]

    @property
    def change(self) -> Decimal | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


class Indexed:
    """A period's sums, indexed once: a key's figure is a lookup, a measure's total is summed once (the tables
    ask for hundreds of them)."""

    def __init__(self, sums: Sums) -> None:
        self.sums = sums
        totals: dict[str, list[Decimal]] = {}
        keys: dict[str, list[str]] = {}
        for (code, key), (num, den) in sums.items():
            total = totals.setdefault(code, [ZERO, ZERO])
            total[0] += num
            total[1] += den
            if key:
                keys.setdefault(code, []).append(key)
        self.totals = {code: (n, d) for code, (n, d) in totals.items()}
        self.keys = {code: sorted(found) for code, found in keys.items()}

    def sum(self, code: str, key: str | None = None) -> tuple[Decimal, Decimal]:
        if key is None:
            return self.totals.get(code, (ZERO, ZERO))
        return self.sums.get((code, key), (ZERO, ZERO))

    def keys_of(self, code: str) -> list[str]:
        return self.keys.get(code, [])


def trend_months(period: Period) -> list[date]:
    """The months of the period's year up to its last: each one a point of the cards' trend, measured or not."""
    last = min(period.last, date(period.start.year, 12, 31))
    return [date(period.start.year, month, 1) for month in range(1, last.month + 1)]


class Board:
    def __init__(self, scope: Scope, period: Period) -> None:
        self.scope, self.period = scope, period
        now, before = queries.totals(scope, period, period.previous())
        self.now, self.before = Indexed(now), Indexed(before)

    def value(self, code: str, *, key: str | None = None, before: bool = False) -> Decimal | None:
        measure = registry.get(code)
        if measure is None:
            return None
        n, d = (self.before if before else self.now).sum(code, key)
        if not d and measure.unit not in (registry.Unit.COUNT, registry.Unit.HOURS):
            return None
        return measure.value(n, d, self.scope.accounts)

    def cards(self) -> list[Card]:
        """The headline figures, each against the target in force for the unit, with its monthly trend."""
        in_force = targets.in_force(self.scope.unit.pk, self.period.start.year)
        codes = [code for code in HEADLINES if registry.get(code)]
        per_month = queries.months(self.scope, self.period.start.year, codes)
        months = trend_months(self.period)
        cards = []
        for code in codes:
            measure = registry.get(code)
            target = in_force.get(code)
            value = self.value(code)
            sums = per_month.get(code, {})
            trend = [TrendPoint(month, self._of_month(measure, *sums.get(month, (ZERO, ZERO)))) for month in months]
            cards.append(
                Card(
                    measure,
                    value,
                    self.value(code, before=True),
                    target.value if target else None,
                    targets.rag(measure, value, target.value if target else None),
                    str(target.owner.get_full_name() or target.owner) if target and target.owner else "",
                    trend,
                )
            )
        return cards

    def _of_month(self, measure: registry.Measure, n: Decimal, d: Decimal) -> Decimal | None:
        return measure.value(n, d, self.scope.accounts) if d or n else None

    def compared(self, name: str, title: object, code: str, keys: list[str], *, chart: str = "bar") -> Table:
        """A measure's breakdown: each key's figure this period and the last, linked to its list."""
        measure = registry.get(code)
        table = Table(name, title, [_("Breakdown"), measure.label, _("Previous period"), _("Events")])
        names = measure.keys() if measure.keys else {}
        for key in keys:
            label = str(names.get(key, key)) if measure.keys else measure.key_label(key)
            table.rows.append(
                Row(
                    label,
                    [
                        self.value(code, key=key),
                        self.value(code, key=key, before=True),
                        int(self.now.sum(code, key)[1]),
                    ],
                    link=measure.drill(key) if measure.drill else "",
                )
            )
        table.chart = bar_chart(table, unit=str(measure.unit_label)) if chart else None
        return table

    def time_by_kind(self) -> Table:
        return self.compared(
            "time", _("Time-limit compliance by kind and stage"), "on_time", self.now.keys_of("on_time")
        )

    def late_open(self) -> Table:
        """Orders still open and already late, by kind, as dashboards.late last counted them (every five
        minutes); each row opens the live queue of its kind's late orders."""
        counts = LateOrders.objects.filter(department_id__in=self.scope.ids).values_list("kind")
        rows = list(counts.annotate(n=Sum("orders"), at=Max("counted_at")).order_by("-n", "kind"))
        title = _("Still open and late")
        if rows:
            counted = timezone.localtime(max(at for _kind, _n, at in rows))
            title = _("Still open and late (counted at %(time)s)") % {"time": time_format(counted, "H:i")}
        table = Table("late", title, [_("Kind"), _("Orders")])
        queue = reverse("services:team-queue")
        for kind_code, n, _at in rows:
            kind = kinds.get(kind_code)
            table.rows.append(
                Row(str(kind.label if kind else kind_code), [n], link=f"{queue}?kind={kind_code}&sla_state=breached")
            )
        return table

    def now_open(self) -> Table:
        """Live counts: improvement actions still open (and overdue), kiosks online of those in service."""
        today = timezone.localdate()
        actions = ImprovementAction.objects.filter(meeting__department_id__in=self.scope.ids).open()
        kiosks = Kiosk.objects.filter(outlet__department_id__in=self.scope.ids).in_service()
        counts = actions.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        devices = kiosks.aggregate(all=Count("pk"), silent=Count("pk", filter=silent_at(timezone.now())))
        table = Table("now", _("Now"), [_("Figure"), _("Count")])
        actions_url = reverse("complaints:actions")
        table.rows += [
            Row(_("Open improvement actions"), [counts["open"]], link=actions_url),
            Row(_("Overdue improvement actions"), [counts["overdue"]], link=actions_url),
            Row(_("Kiosks online"), [f"{devices['all'] - devices['silent']} / {devices['all']}"]),
        ]
        return table

    def by_unit(self) -> Table:
        """On-time, satisfaction and complaints per 10,000 customers for each unit directly below."""
        codes = ["on_time", "satisfaction", "complaint_rate"]
        figures = queries.by_unit(self.scope, self.period, codes)
        table = Table("units", _("By unit"), [_("Unit"), *[registry.get(c).label for c in codes]])
        accounts: dict[int, int] = defaultdict(int)
        for unit, served in self.scope.accounts_of.items():
            accounts[self.scope.branch_of(unit)] += served
        dashboard, closed = reverse("dashboards:dashboard"), reverse("services:closed-orders")
        for pk in self.scope.below():
            cells = []
            for code in codes:
                n, d = figures.get(code, {}).get(pk, (ZERO, ZERO))
                cells.append(registry.get(code).value(n, d, accounts[pk]) if d else None)
            link = f"{dashboard}?unit={self.scope.codes[pk]}"
            orders = f"{closed}?{urlencode({'unit': self.scope.codes[pk]})}"
            table.rows.append(Row(self.scope.names[pk], cells, link=link, orders=orders))
        table.chart = bar_chart(table)
        # A bar is the unit's figure: it opens the orders behind it (the label opens the unit's own dashboard).
        table.chart["links"] = [row.orders for row in table.rows]
        return table

    def repair(self) -> Table:
        table = Table(
            "repair", _("Repair arrival and restoration"), [_("Figure"), _("This period"), _("Previous period")]
        )
        for code in ("arrival_within", "restoration_within"):
            measure = registry.get(code)
            names = measure.keys()
            for key in names:
                table.rows.append(
                    Row(
                        f"{measure.label}: {names[key]}",
                        [self.value(code, key=key), self.value(code, key=key, before=True)],
                        link=measure.drill(key),
                    )
                )
        for code in ("arrival_minutes", "restoration_minutes"):
            table.rows.append(
                Row(f"{registry.get(code).label} ({_('min')})", [self.value(code), self.value(code, before=True)])
            )
        return table

    def characteristics(self) -> Table:
        """The nine characteristics ranked, the weakest first: where to act first."""
        table = self.compared(
            "characteristics",
            _("Satisfaction by quality characteristic (weakest first)"),
            "characteristic",
            self.now.keys_of("characteristic"),
        )
        table.rows.sort(key=lambda row: (row.cells[0] is None, row.cells[0] or 0))
        table.chart = bar_chart(table, unit="%")
        return table

    def pareto(self, name: str, title: object, code: str) -> Table:
        """Counts by key, largest first, with the cumulative share that picks out the vital few."""
        measure = registry.get(code)
        names = measure.keys() if measure.keys else {}
        counts = sorted(((int(self.now.sum(code, key)[0]), key) for key in self.now.keys_of(code)), reverse=True)
        total = sum(n for n, _key in counts) or 1
        table = Table(name, title, [_("Breakdown"), _("Complaints"), _("Share (%)"), _("Cumulative (%)")])
        running = 0
        # A bar opens its complaints: the unit's and the period's, of its category or cause.
        where = urlencode({"unit": self.scope.unit.code, "since": self.period.start, "until": self.period.last})
        for n, key in counts:
            running += n
            share = Decimal(100 * n / total).quantize(Decimal("0.1"))
            cumulative = Decimal(100 * running / total).quantize(Decimal("0.1"))
            flag = "vital" if cumulative - share < PARETO_LIMIT else ""
            link = measure.drill(key)
            link += ("" if link.endswith("?") else "&") + where
            table.rows.append(Row(str(names.get(key, key)), [n, share, cumulative], link=link, flag=flag))
        table.chart = bar_chart(table, kind="pareto")
        table.chart["series"].append(
            {"label": str(table.columns[3]), "values": [float(r.cells[2]) for r in table.rows]}
        )
        return table

    def summary(self, name: str, title: object, codes: list[str]) -> Table:
        table = Table(name, title, [_("Figure"), _("This period"), _("Previous period")])
        for code in codes:
            measure = registry.get(code)
            if measure:
                table.rows.append(
                    Row(
                        f"{measure.label} ({measure.unit_label})",
                        [self.value(code), self.value(code, before=True)],
                        link=measure.drill("") if measure.drill else "",
                    )
                )
        return table

    def channels(self) -> Table:
        table = self.compared("channels", _("Requests by channel"), "requests", self.now.keys_of("requests"))
        table.columns[1] = _("Requests")
        return table

    def waits(self) -> Table:
        keys = self.now.keys_of("wait_minutes")
        return self.compared("waits", _("Hall waits by outlet (min)"), "wait_minutes", keys)

    def waits_by_hour(self) -> Table:
        keys = sorted(self.now.keys_of("wait_by_hour"), key=int)
        table = self.compared("hours", _("Hall waits by hour of the day (min)"), "wait_by_hour", keys)
        for row in table.rows:
            row.label = f"{int(row.label):02d}:00"
        table.chart = bar_chart(table, unit=_("min"))
        return table

    def supply(self) -> Table:
        """Outages and customer-hours lost per 台区, the worst twenty."""
        members = queries.by_member(self.scope, self.period, Level.GRID, ["outages", "customer_hours"])
        worst = sorted(members.items(), key=lambda item: -item[1].get("customer_hours", (ZERO,))[0])[:20]
        grids = ServiceGrid.objects.in_bulk([pk for pk, _figures in worst])
        table = Table(
            "supply",
            _("Supply quality by service grid (台区)"),
            [_("Service grid"), _("Outages"), _("Customer-hours lost")],
        )
        history = reverse("notices:history")
        for pk, figures in worst:
            grid = grids.get(pk)
            table.rows.append(
                Row(
                    f"{grid.code} {grid.name}" if grid else str(pk),
                    [
                        int(figures.get("outages", (ZERO,))[0]),
                        figures.get("customer_hours", (ZERO,))[0].quantize(Decimal("0.1")),
                    ],
                    link=history,
                )
            )
        table.chart = bar_chart(table, column=1)
        return table

    def control_charts(self) -> list[Table]:
        """Weekly p-charts: each week's share, the centre line p̄ and limits p̄ ± 3√(p̄(1−p̄)/n)."""
        end = self.period.end
        start = end - timedelta(days=7 * CONTROL_WEEKS + end.weekday())
        per_week = queries.by_week(self.scope, start, end, CONTROL)
        notes = {
            (n.measure, n.week): n.note
            for n in ChartNote.objects.filter(department=self.scope.unit, measure__in=CONTROL, week__gte=start)
        }
        return [self._p_chart(code, per_week.get(code, {}), notes) for code in CONTROL]

    def _p_chart(self, code: str, weeks: dict, notes: dict) -> Table:
        measure = registry.get(code)
        table = Table(
            f"control_{code}",
            _("Control chart: %(measure)s by week") % {"measure": measure.label},
            [_("Week"), _("Share (%)"), _("Lower limit"), _("Upper limit"), _("Events"), _("Note")],
        )
        total_n = sum(n for n, _d in weeks.values())
        total_d = sum(d for _n, d in weeks.values())
        p_bar = float(total_n / total_d) if total_d else 0.0
        for week, (n, d) in weeks.items():
            if not d:
                continue
            sigma = 3 * sqrt(p_bar * (1 - p_bar) / float(d))
            low, high = max(0.0, p_bar - sigma), min(1.0, p_bar + sigma)
            p = float(n / d)
            cells = [_pct(p), _pct(low), _pct(high), int(d), notes.get((code, week), "")]
            table.rows.append(Row(week.isoformat(), cells, flag="out" if p < low or p > high else ""))
        table.chart = {
            "type": "pchart",
            "unit": "%",
            "labels": [r.label for r in table.rows],
            "links": [""] * len(table.rows),
            "centre": _pct(p_bar) and float(_pct(p_bar)),
            "series": [
                {"label": str(table.columns[i + 1]), "values": [float(r.cells[i]) for r in table.rows]}
                for i in range(3)
            ],
            "outside": [r.flag == "out" for r in table.rows],
        }
        return table

    def tables(self) -> list[Table]:
        return [
            self.time_by_kind(),
            self.late_open(),
            self.now_open(),
            self.by_unit(),
            self.repair(),
            self.summary("satisfaction", _("Return visits and satisfaction"), ["visit_rate", "satisfaction"]),
            self.characteristics(),
            self.summary(
                "complaints",
                _("Complaints"),
                ["complaint_rate", "company_fault", "company_share", "repeat_share", "reopened_share"],
            ),
            self.pareto("pareto_category", _("Complaints by category (Pareto)"), "complaint_category"),
            self.pareto("pareto_cause", _("Complaints by root cause (Pareto)"), "complaint_cause"),
            self.channels(),
            self.summary(
                "halls", _("Online share and hall waits"), ["online_share", "wait_minutes", "long_wait_share"]
            ),
            self.waits(),
            self.waits_by_hour(),
            self.supply(),
            *self.control_charts(),
            *self.extra_tables(),
        ]

    def extra_tables(self) -> list[Table]:
        """A summary of every measure another app registered (a section the backbone does not know)."""
        known = {s.value for s in registry.Section}
        extra = [m.code for m in registry.MEASURES.values() if m.section not in known]
        return [self.summary("more", gettext_lazy("More figures"), extra)] if extra else []


def _pct(share: float) -> Decimal:
    return Decimal(100 * share).quantize(Decimal("0.01"))
