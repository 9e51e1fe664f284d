"""Scorecards: the 台区 customer manager's (DOMAIN.md §8) and the staff's (counter staff, crews), ranked within
a unit's subtree; a person's own. Figures come from the per-台区 and per-person daily figures and the imported
monthly external figures, a fixed number of queries per page.

The rank orders by a score: the mean of the card's percentages (time limits, satisfaction and, for a 台区,
data collection, line loss and fee recovery) less 5 points per complaint of the company's responsibility (zero
is the target) and per accountability finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, ServiceGrid, User
from dashboards import queries, registry
from dashboards.models import ExternalFigure, ExternalMeasure, Level
from dashboards.periods import Period
from dashboards.queries import ZERO, Scope
from dashboards.tables import Row, Table

# fee_recovery and rectifications_closed are billing's and the inspections' (their dashboard_measures.py).
GRID_MEASURES = ["on_time", "satisfaction", "visit_rate", "company_fault", "rectifications_closed", "fee_recovery"]
STAFF_MEASURES = ["orders_closed", "on_time", "satisfaction", "tickets_served", "praise", "accountability"]
PENALTIES = {"company_fault": Decimal(5), "accountability": Decimal(5)}
STAFF_ROLES = [Role.COUNTER_STAFF, Role.REPAIR_CREW, Role.GRID_MANAGER]


@dataclass
class Card:
    name: str
    who: str
    figures: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def score(self) -> Decimal:
        shares = [v for code, v in self.figures.items() if v is not None and code not in PENALTIES and _is_pct(code)]
        base = sum(shares, ZERO) / len(shares) if shares else ZERO
        penalty = sum((PENALTIES[c] * (self.figures.get(c) or 0) for c in PENALTIES), ZERO)
        return (base - penalty).quantize(Decimal("0.01"))


def _is_pct(code: str) -> bool:
    measure = registry.get(code)
    return measure is None or measure.unit == registry.Unit.PERCENT  # external figures are percentages


def _figures(raw: dict[str, tuple[Decimal, Decimal]], codes: list[str]) -> dict[str, Decimal | None]:
    result: dict[str, Decimal | None] = {}
    for code in codes:
        n, d = raw.get(code, (ZERO, ZERO))
        measure = registry.get(code)
        result[code] = measure.value(n, d) if measure and (d or measure.unit == registry.Unit.COUNT) else None
    return result


def external(grid_ids: list[int], period: Period) -> dict[int, dict[str, Decimal]]:
    """Each 台区's imported figures averaged over the period's months: one query."""
    rows = (
        ExternalFigure.objects.filter(
            grid_id__in=grid_ids, month__gte=period.start.replace(day=1), month__lt=period.end
        )
        .values_list("grid_id", "measure")
        .annotate(mean=Avg("value"))
    )
    result: dict[int, dict[str, Decimal]] = {}
    for grid_id, measure, mean in rows:
        result.setdefault(grid_id, {})[measure] = Decimal(mean).quantize(Decimal("0.01"))
    return result


def grid_cards(scope: Scope, period: Period, *, manager: User | None = None) -> list[Card]:
    """Every 台区 of the subtree (or only one manager's) with its manager's scorecard, best first."""
    grids = ServiceGrid.objects.filter(department_id__in=scope.ids).select_related("manager").order_by("code")
    grids = list(grids.filter(manager=manager) if manager else grids)
    raw = queries.by_member(scope, period, Level.GRID, GRID_MEASURES)
    outside = external([g.pk for g in grids], period)
    cards = []
    for grid in grids:
        card = Card(
            f"{grid.code} {grid.name}", str(grid.manager.get_full_name() or grid.manager) if grid.manager else ""
        )
        card.figures = _figures(raw.get(grid.pk, {}), GRID_MEASURES)
        # An imported figure stands beside the portal's own; where both exist (fee recovery from a billing
        # system of record), the imported one is the figure the 台区 is assessed on.
        imported = outside.get(grid.pk, {})
        card.figures |= {m.value: imported[m.value] for m in ExternalMeasure if m.value in imported}
        card.figures |= {m.value: None for m in ExternalMeasure if m.value not in card.figures}
        cards.append(card)
    return sorted(cards, key=lambda c: (-c.score, c.name))


def staff_cards(scope: Scope, period: Period) -> list[Card]:
    """The counter staff, crews and 台区 managers of the subtree, best first."""
    people = User.objects.filter(department_id__in=scope.ids, role__in=STAFF_ROLES, is_active=True).order_by("username")
    raw = queries.by_member(scope, period, Level.PERSON, STAFF_MEASURES)
    cards = []
    for person in people.only("username", "first_name", "last_name", "full_name", "role"):
        card = Card(person.get_full_name() or person.username, str(person.get_role_display()))
        card.figures = _figures(raw.get(person.pk, {}), STAFF_MEASURES)
        cards.append(card)
    return sorted(cards, key=lambda c: (-c.score, c.name))


def own_card(person: User, period: Period) -> Card:
    card = Card(person.get_full_name() or person.username, str(person.get_role_display()))
    card.figures = _figures(queries.of_person(person.pk, period, STAFF_MEASURES), STAFF_MEASURES)
    return card


def label(code: str) -> str:
    measure = registry.get(code)
    return str(measure.label if measure else ExternalMeasure(code).label)


def table(name: str, title: object, cards: list[Card], codes: list[str]) -> Table:
    """Cards as a ranked table (the page and the exports)."""
    result = Table(name, title, [_("Rank"), _("Name"), _("Role or manager"), *[label(c) for c in codes], _("Score")])
    for rank, card in enumerate(cards, start=1):
        result.rows.append(Row(str(rank), [card.name, card.who, *[card.figures.get(c) for c in codes], card.score]))
    return result


GRID_COLUMNS = [*GRID_MEASURES, *[m.value for m in ExternalMeasure if m.value not in GRID_MEASURES]]
