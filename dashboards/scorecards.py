"""Scorecards: the 台区 customer manager's (DOMAIN.md §8) and the staff's (counter staff, crews), ranked within
a unit's subtree; a person's own. Figures come from the per-台区 and per-person daily figures and the imported
monthly external figures, a fixed number of queries per page. For a week, month, quarter or year the rollup
scores every 台区 and person ahead (write_scores, into dashboards.models.Score), and the page reads one page of
the ranking in order from its index, whatever the number of 台区; a day or a range is scored on request.

The rank orders by a score: the mean of the card's percentages (time limits, satisfaction and, for a 台区,
data collection, line loss and fee recovery) less 5 points per complaint of the company's responsibility (zero
is the target) and per accountability finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.db.models import Avg, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, ServiceGrid, User
from dashboards import periods, queries, registry
from dashboards.dialect import one_writer
from dashboards.models import ExternalFigure, ExternalMeasure, Level, Score
from dashboards.periods import Period
from dashboards.queries import ZERO, Scope
from dashboards.tables import Row, Table

# fee_recovery and rectifications_closed are billing's and the inspections' (their dashboard_measures.py).
GRID_MEASURES = ["on_time", "satisfaction", "visit_rate", "company_fault", "rectifications_closed", "fee_recovery"]
STAFF_MEASURES = ["orders_closed", "on_time", "satisfaction", "tickets_served", "praise", "accountability"]
PENALTIES = {"company_fault": Decimal(5), "accountability": Decimal(5)}
TENTH, CENT = Decimal("0.1"), Decimal("0.01")
STAFF_ROLES = [Role.COUNTER_STAFF, Role.REPAIR_CREW, Role.GRID_MANAGER]
EXTERNAL = tuple(m.value for m in ExternalMeasure)  # read once: an enum member's .value is a descriptor call
Figures = dict[str, Decimal | None]  # a card's figures: measure code → value, or None where nothing was measured
GRID_COLUMNS = [*GRID_MEASURES, *[code for code in EXTERNAL if code not in GRID_MEASURES]]


@dataclass
class Card:
    name: str
    who: str
    code: str = ""  # 台区 code or username: the order among equal scores, here and in the stored ranking
    figures: Figures = field(default_factory=dict)

    @property
    def score(self) -> Decimal:
        return score_of(self.figures)


def score_of(figures: Figures) -> Decimal:
    """The score of a card's figures (the module's docstring says how); the one definition every ranking uses."""
    shares = [v for code, v in figures.items() if v is not None and _counts_as_share(code)]
    base = sum(shares, ZERO) / len(shares) if shares else ZERO
    penalty = sum((weight * (figures.get(code) or 0) for code, weight in PENALTIES.items()), ZERO)
    return (base - penalty).quantize(CENT)


@cache
def _counts_as_share(code: str) -> bool:
    """Whether a figure enters the score's mean: a percentage (external figures are), not a penalty."""
    measure = registry.get(code)
    return code not in PENALTIES and (measure is None or measure.unit == registry.Unit.PERCENT)


NOTHING = (ZERO, ZERO)


NONE, COUNTED, MEASURED_COUNT, RATIO = range(4)  # how a card's figure comes from its sums (_plan)


@cache
def _plan(codes: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """For each code, how its figure is made from its numerator and denominator, and the ratio's scale: what
    Measure.value does, decided once rather than for every 台区 of a ranking (a range scores 2,000 on request)."""
    plan = []
    for code in codes:
        measure = registry.get(code)
        if measure is None or measure.unit == registry.Unit.PER_10K:  # no customers on a card: no figure
            plan.append((code, NONE, 0))
        elif measure.unit == registry.Unit.COUNT:
            plan.append((code, COUNTED, 0))  # a count is a figure even when nothing was counted
        elif measure.unit == registry.Unit.HOURS:
            plan.append((code, MEASURED_COUNT, 0))
        else:
            plan.append((code, RATIO, 100 if measure.unit == registry.Unit.PERCENT else 1))
    return tuple(plan)


def _figures(raw: dict[str, tuple[Decimal, Decimal]], codes: list[str] | tuple[str, ...]) -> Figures:
    """The card's figures from its sums, as each measure's Measure.value gives them."""
    result: Figures = {}
    for code, how, scale in _plan(tuple(codes)):
        n, d = raw.get(code, NOTHING)
        if how == RATIO:
            result[code] = (scale * n / d).quantize(CENT) if d else None
        elif how == COUNTED or (how == MEASURED_COUNT and d):
            result[code] = n.quantize(TENTH)
        else:
            result[code] = None
    return result


def _half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded to a whole number, a half to the even one: Decimal's
    quantize, in integers."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    return quotient + (twice > denominator or (twice == denominator and quotient % 2))


@cache
def _cents_plan(codes: tuple[str, ...], external: tuple[str, ...]) -> tuple[tuple[tuple[str, int], ...], tuple]:
    """score_of's reading of _figures, decided once: the codes whose figures enter a score's mean, each with the
    place of its numerator among the sums (-1 where the portal's sums give none: an imported figure only; where
    both exist, the imported one stands in), and the penalties with the place of their sums, how each figure is
    made, its ratio's scale and its weight."""
    plan = {code: (2 * i, how, scale) for i, (code, how, scale) in enumerate(_plan(codes))}
    shares = []
    for code in (*codes, *[c for c in external if c not in codes]):
        place, how, _scale = plan.get(code, (-1, NONE, 0))
        if _counts_as_share(code) and (code in external or how == RATIO):
            shares.append((code, place if how == RATIO else -1))
    penalties = tuple((*plan[code], int(weight)) for code, weight in PENALTIES.items() if code in plan)
    return tuple(shares), penalties


def score_in_cents(sums: tuple[int, ...], codes: tuple[str, ...], imported: dict[str, int] | None = None) -> int:
    """score_of(figures) in whole cents, from a card's sums in cents (numerator and denominator of each of `codes`
    in turn, or nothing where nothing was measured) and a 台区's imported figures in cents, without making its
    figures: integers only, so the 2,000 台区 of a range are ranked in a few milliseconds, not in the fifty their
    Decimal figures took. A test holds it to score_of for every kind of figure."""
    shares, penalties = _cents_plan(codes, EXTERNAL if imported is not None else ())
    total = count = 0
    for code, place in shares:
        value = imported.get(code) if imported else None
        if value is None:
            if place < 0 or not sums or sums[place + 1] <= 0:
                continue
            value = _half_even(10_000 * sums[place], sums[place + 1])  # (100 n / d) to the cent, in cents
        total += value
        count += 1
    penalty = 0
    if sums:
        for place, how, scale, weight in penalties:
            n, d = sums[place], sums[place + 1]
            if how == COUNTED or (how == MEASURED_COUNT and d):
                penalty += weight * 10 * _half_even(n, 10)  # the count to a tenth, in cents
            elif how == RATIO and d > 0:
                penalty += weight * _half_even(100 * scale * n, d)
    if not count:
        return -penalty
    return _half_even(total - count * penalty, count)


def _decimal_sums(sums: tuple[int, ...], codes: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """A card's sums in cents (score_in_cents' reading) as the two-place decimals _figures makes figures of."""
    if not sums:
        return {}
    return {
        code: (Decimal(sums[2 * i]).scaleb(-2), Decimal(sums[2 * i + 1]).scaleb(-2)) for i, code in enumerate(codes)
    }


def external(grid_ids: list[int] | QuerySet, period: Period) -> dict[int, dict[str, Decimal]]:
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


def external_in(scope: Scope, period: Period) -> dict[int, dict[str, Decimal]]:
    """external() for every 台区 of a subtree, found by their units rather than a list of every 台区's id."""
    return external(ServiceGrid.objects.filter(department_id__in=scope.ids).values("pk"), period)


def _grid_named(grid: ServiceGrid) -> Card:
    manager = grid.manager
    return Card(f"{grid.code} {grid.name}", str(manager.get_full_name() or manager) if manager else "", grid.code)


def _named_grids() -> QuerySet[ServiceGrid]:
    """The 台区 with what _grid_named reads of them and their managers."""
    fields = ("code", "name", "manager__username", "manager__full_name")
    return ServiceGrid.objects.select_related("manager").only(*fields)


def _person_named(person: User) -> Card:
    return Card(person.get_full_name() or person.username, str(person.get_role_display()), person.username)


def _grid_figures(raw: dict[str, tuple], imported: dict[str, Decimal]) -> Figures:
    figures = _figures(raw, GRID_MEASURES)
    # An imported figure stands beside the portal's own; where both exist (fee recovery from a billing
    # system of record), the imported one is the figure the 台区 is assessed on.
    for code in EXTERNAL:
        if code in imported:
            figures[code] = imported[code]
        elif code not in figures:
            figures[code] = None
    return figures


def _grid_card(grid: ServiceGrid, raw: dict[str, tuple], imported: dict[str, Decimal]) -> Card:
    card = _grid_named(grid)
    card.figures = _grid_figures(raw, imported)
    return card


def _person_card(person: User, raw: dict[str, tuple]) -> Card:
    card = _person_named(person)
    card.figures = _figures(raw, STAFF_MEASURES)
    return card


def _people() -> QuerySet[User]:
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).only(
        "username", "first_name", "last_name", "full_name", "role", "department_id"
    )


def grid_cards(scope: Scope, period: Period, *, manager: User | None = None) -> list[Card]:
    """Every 台区 of the subtree (or only one manager's) with its manager's scorecard, best first."""
    grids = ServiceGrid.objects.filter(department_id__in=scope.ids).select_related("manager").order_by("code")
    grids = list(grids.filter(manager=manager) if manager else grids)
    raw = queries.by_member(scope, period, Level.GRID, GRID_MEASURES)
    outside = external([g.pk for g in grids], period)
    cards = [_grid_card(grid, raw.get(grid.pk, {}), outside.get(grid.pk, {})) for grid in grids]
    return sorted(cards, key=lambda c: (-c.score, c.code))


def staff_cards(scope: Scope, period: Period) -> list[Card]:
    """The counter staff, crews and 台区 managers of the subtree, best first."""
    people = _people().filter(department_id__in=scope.ids).order_by("username")
    raw = queries.by_member(scope, period, Level.PERSON, STAFF_MEASURES)
    cards = [_person_card(person, raw.get(person.pk, {})) for person in people]
    return sorted(cards, key=lambda c: (-c.score, c.code))


# The periods the rollup ranks ahead (the week of the weekly meeting, the assessment's month, and the quarter and
# year a manager reads); a day or a range is scored when asked for (_ranked_on_request).
SCORED = ("week", "month", "quarter", "year")


def _ranked_on_request(
    members: list[tuple[int, str]], score_of_member: Callable[[int], int], first: int, count: int | None
) -> tuple[list[int], int]:
    """Score every member (id, code) of the subtree in cents, rank them, and return the page's members' ids and how
    many were ranked. Only integers are handled per member: the page's figures and names are made afterwards, for
    the hundred it shows, not for every 台区 of the city."""
    scored = sorted((-score_of_member(pk), code, pk) for pk, code in members)
    return [pk for _score, _code, pk in scored[first : None if count is None else first + count]], len(scored)


def scored_periods(since: date, until: date) -> list[Period]:
    """The weeks, months, quarters and years the days [since, until) touch."""
    found: dict[tuple[str, date], Period] = {}
    monday = since - timedelta(days=since.weekday())
    while monday < until:
        found[("week", monday)] = periods.around("week", monday)
        monday += timedelta(days=7)
    month = since.replace(day=1)
    while month < until:
        for kind in ("month", "quarter", "year"):
            period = periods.around(kind, month)
            found.setdefault((kind, period.start), period)
        month = (month + timedelta(days=32)).replace(day=1)
    return list(found.values())


def _stored(card: Card) -> dict[str, str | None]:
    return {code: None if value is None else str(value) for code, value in card.figures.items()}


def write_scores(period: Period) -> int:
    """Score every 台区 and every member of staff of the city for a week, month, quarter or year, and store the ranking
    (replacing the period's earlier one); return how many were scored. A fixed number of queries per period."""
    raw_grids = queries.by_member(None, period, Level.GRID, GRID_MEASURES)
    raw_people = queries.by_member(None, period, Level.PERSON, STAFF_MEASURES)
    grids = list(ServiceGrid.objects.select_related("manager").order_by("code"))
    outside = external([g.pk for g in grids], period)
    rows = []
    for grid in grids:
        card = _grid_card(grid, raw_grids.get(grid.pk, {}), outside.get(grid.pk, {}))
        rows.append(_score(Level.GRID, period, card, grid=grid, department_id=grid.department_id, code=grid.code))
    for person in _people().filter(department__isnull=False).order_by("username"):
        card = _person_card(person, raw_people.get(person.pk, {}))
        rows.append(
            _score(Level.PERSON, period, card, person=person, department_id=person.department_id, code=person.username)
        )
    with transaction.atomic():
        one_writer()
        Score.objects.filter(period=period.kind, start=period.start).delete()
        Score.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _score(level: str, period: Period, card: Card, **member: object) -> Score:
    return Score(level=level, period=period.kind, start=period.start, score=card.score, figures=_stored(card), **member)


def _read(figures: dict[str, str | None], codes: list[str]) -> Figures:
    return {code: None if figures.get(code) is None else Decimal(figures[code]) for code in codes}


def _ranked(scope: Scope, period: Period, level: str) -> QuerySet[Score]:
    rows = Score.objects.filter(level=level, period=period.kind, start=period.start, department_id__in=scope.ids)
    return rows.order_by("-score", "code")


def grid_ranking(scope: Scope, period: Period, first: int, count: int | None) -> tuple[list[Card], int]:
    """The ranking's cards from rank `first` + 1 (`count` of them, or all), and how many 台区 it ranks: read
    in order from the stored scores for a week, month, quarter or year (two queries whatever the number of 台区)."""
    if period.kind not in SCORED:
        members = ServiceGrid.objects.filter(department_id__in=scope.ids).values_list("pk", "code")
        raw = queries.member_sums(scope, period, Level.GRID, GRID_MEASURES)
        outside = external_in(scope, period)
        in_cents = {pk: {code: int(v.scaleb(2)) for code, v in values.items()} for pk, values in outside.items()}
        codes = tuple(GRID_MEASURES)
        page, total = _ranked_on_request(
            list(members), lambda pk: score_in_cents(raw.get(pk, ()), codes, in_cents.get(pk, {})), first, count
        )
        grids = _named_grids().in_bulk(page)
        cards = []
        for pk in page:
            figures = _grid_figures(_decimal_sums(raw.get(pk, ()), GRID_MEASURES), outside.get(pk, {}))
            cards.append(_with(_grid_named(grids[pk]), figures))
        return cards, total
    rows = _ranked(scope, period, Level.GRID).select_related("grid__manager")
    chosen = rows[first : None if count is None else first + count]
    cards = []
    for row in chosen:
        card = _grid_named(row.grid)
        card.figures = _read(row.figures, GRID_COLUMNS)
        cards.append(card)
    return cards, rows.count()


def staff_ranking(scope: Scope, period: Period, first: int, count: int | None) -> tuple[list[Card], int]:
    """The staff's ranking, as grid_ranking."""
    if period.kind not in SCORED:
        members = _people().filter(department_id__in=scope.ids).values_list("pk", "username")
        raw = queries.member_sums(scope, period, Level.PERSON, STAFF_MEASURES)
        codes = tuple(STAFF_MEASURES)
        page, total = _ranked_on_request(list(members), lambda pk: score_in_cents(raw.get(pk, ()), codes), first, count)
        people = _people().in_bulk(page)
        figures_of = {pk: _figures(_decimal_sums(raw.get(pk, ()), STAFF_MEASURES), STAFF_MEASURES) for pk in page}
        return [_with(_person_named(people[pk]), figures_of[pk]) for pk in page], total
    rows = _ranked(scope, period, Level.PERSON).select_related("person")
    cards = []
    for row in rows[first : None if count is None else first + count]:
        card = _person_named(row.person)
        card.figures = _read(row.figures, STAFF_MEASURES)
        cards.append(card)
    return cards, rows.count()


def _with(card: Card, figures: Figures) -> Card:
    card.figures = figures
    return card


def own_card(person: User, period: Period) -> Card:
    card = _person_named(person)
    card.figures = _figures(queries.of_person(person.pk, period, STAFF_MEASURES), STAFF_MEASURES)
    return card


def label(code: str) -> str:
    measure = registry.get(code)
    return str(measure.label if measure else ExternalMeasure(code).label)


def table(name: str, title: object, cards: list[Card], codes: list[str], *, first: int = 0) -> Table:
    """Cards as a ranked table (the page and the exports), the first of them ranked `first` + 1."""
    result = Table(name, title, [_("Rank"), _("Name"), _("Role or manager"), *[label(c) for c in codes], _("Score")])
    for rank, card in enumerate(cards, start=first + 1):
        result.rows.append(Row(str(rank), [card.name, card.who, *[card.figures.get(c) for c in codes], card.score]))
    return result
