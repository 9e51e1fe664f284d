from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import periods, queries, rollups, scorecards
from dashboards.models import ExternalFigure, Level, Score
from tests.dashboards.conftest import DAY, closed_order
from tests.factories import ServiceGridFactory

JUNE = {"period": "month", "on": DAY.date().isoformat()}


def _queries(client: object, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboards:scorecards"), params).status_code == 200
    return len(captured.captured_queries)


def test_the_rollup_stores_each_grids_and_persons_score_as_the_page_computes_it(figures, company, grid, mona):
    ExternalFigure.objects.create(
        grid=grid, month=date(2026, 6, 1), measure="line_loss", value=Decimal("96.50"), imported_at=DAY
    )
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    scope = queries.scope_for(company)
    for kind in scorecards.SCORED:
        period = periods.around(kind, DAY.date())
        live = scorecards.grid_cards(scope, period) + scorecards.staff_cards(scope, period)
        stored = Score.objects.filter(period=kind, start=period.start).order_by("level", "-score", "code")
        assert {(s.code, s.score) for s in stored} == {(card.code, card.score) for card in live}
        row = stored.get(grid=grid)
        assert row.figures["on_time"] == "75.00" and row.figures["line_loss"] == "96.50"
    cards, total = scorecards.grid_ranking(scope, periods.around("month", DAY.date()), 0, 10)
    assert (
        total == 2
        and cards[0].code == "TQ00001"
        and cards[0].score == Score.objects.get(grid=grid, period="month").score
    )


def test_the_scorecards_page_reads_the_same_queries_whatever_the_number_of_grids(client, figures, station, mona):
    client.force_login(mona)
    few = _queries(client, JUNE)
    for _ in range(130):
        ServiceGridFactory(department=station)
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    assert _queries(client, JUNE) == few
    assert _queries(client, {**JUNE, "grids_page": "2"}) == few


def test_a_ranking_longer_than_a_page_reads_on_the_next_page(client, figures, station, mona):
    for _ in range(110):
        ServiceGridFactory(department=station)
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    client.force_login(mona)
    first = client.get(reverse("dashboards:scorecards"), JUNE)
    grids, pager = first.context["sections"][0]
    assert len(grids.rows) == 100 and grids.rows[0].cells[0].startswith("TQ00001")
    assert pager.total == 112 and "grids_page=2" in pager.next and not pager.previous
    second = client.get(reverse("dashboards:scorecards"), {**JUNE, "grids_page": "2"})
    grids, pager = second.context["sections"][0]
    assert [row.label for row in grids.rows] == [str(rank) for rank in range(101, 113)]
    assert pager.previous and not pager.next and "Next page" not in second.content.decode()
    export = client.get(reverse("dashboards:scorecards"), {**JUNE, "export": "csv", "table": "grids"})
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()) == 113


def test_a_day_is_ranked_on_request_as_no_stored_score_covers_it(client, figures, mona):
    client.force_login(mona)
    page = client.get(reverse("dashboards:scorecards"), {"period": "day", "on": DAY.date().isoformat()})
    grids = page.context["tables"][0]
    assert grids.rows[0].cells[0].startswith("TQ00001") and grids.rows[0].cells[2] == 75
    assert not Score.objects.filter(period="day").exists()


def test_a_ranking_on_request_reads_the_same_queries_and_ranks_as_the_whole_cards_do(
    client, figures, company, station, grid, mona
):
    day = {"period": "day", "on": DAY.date().isoformat()}
    client.force_login(mona)
    few = _queries(client, day)
    for n in range(130):
        other = ServiceGridFactory(department=station, code=f"TQ9{n:04d}")  # never a fixture's TQ00001
        if n % 3 == 0:
            closed_order(grid=other, department=station, met=n % 2 == 0, rating=4 + n % 2, at=DAY)
    ExternalFigure.objects.create(
        grid=grid, month=date(2026, 6, 1), measure="line_loss", value=Decimal("96.50"), imported_at=DAY
    )
    rollups.rebuild(DAY.date(), DAY.date() + timedelta(days=1))
    assert _queries(client, day) == few
    assert _queries(client, {**day, "grids_page": "2"}) == few
    scope, period = queries.scope_for(company), periods.around("day", DAY.date())
    whole = scorecards.grid_cards(scope, period)
    page_two, total = scorecards.grid_ranking(scope, period, 100, 100)
    first_page, _total = scorecards.grid_ranking(scope, period, 0, 100)
    ranked = first_page + page_two
    assert total == len(whole) == len(ranked) == 132
    assert [(c.code, c.name, c.who, c.figures, c.score) for c in ranked] == [
        (c.code, c.name, c.who, c.figures, c.score) for c in whole
    ]
    staff, total = scorecards.staff_ranking(scope, period, 0, None)
    assert [(c.code, c.score) for c in staff] == [(c.code, c.score) for c in scorecards.staff_cards(scope, period)]


def test_a_rebuild_rescores_the_months_quarters_and_years_its_days_touch(figures, grid, station):
    assert {(s.period, s.start) for s in Score.objects.filter(level=Level.GRID, grid=grid)} == {
        ("week", periods.around("week", DAY.date()).start),
        ("month", date(2026, 6, 1)),
        ("quarter", date(2026, 4, 1)),
        ("year", date(2026, 1, 1)),
    }
    closed_order(grid=grid, department=station, met=False, rating=5, at=DAY + timedelta(days=1))
    rollups.rebuild(DAY.date() + timedelta(days=1), DAY.date() + timedelta(days=2))
    assert Score.objects.get(grid=grid, period="month").figures["on_time"] == "60.00"


def test_a_cards_figures_are_each_measures_own_value_of_its_sums(db):
    """The scorecards make figures from a plan decided once per list of measures; it must give what each
    registered measure's Measure.value gives (a count even of nothing; a ratio or customer-hours only when
    something was measured; nothing per 10,000 customers, which a card has no customers for)."""
    from dashboards import registry

    for code, measure in registry.MEASURES.items():
        for n, d in ((Decimal("3"), Decimal("4")), (Decimal("7.25"), Decimal("0")), (Decimal("0"), Decimal("0"))):
            if measure.unit == registry.Unit.PER_10K:
                expected = None
            elif d or measure.unit == registry.Unit.COUNT:
                expected = measure.value(n, d)
            else:
                expected = None
            assert scorecards._figures({code: (n, d)}, [code]) == {code: expected}, (code, n, d)
    assert scorecards._figures({}, ["no_such_measure"]) == {"no_such_measure": None}


def test_a_score_in_cents_is_score_of_the_cards_figures_for_any_sums(db):
    """The ranking on request scores 2,000 台区 from their sums in cents; it must rank as score_of ranks the cards
    it shows: every share, penalty and imported figure, with halves (a 0.005 share, a 0.05 count) on both sides."""
    import random

    from dashboards.scorecards import EXTERNAL, GRID_MEASURES, STAFF_MEASURES, score_in_cents, score_of

    chosen = random.Random(15)
    halves = [(1, 8), (1, 400), (3, 800), (5, 5), (0, 3), (2, 3), (7, 0), (0, 0), (1_000_001, 2_000_000)]
    for _ in range(3000):
        for codes, grid in ((GRID_MEASURES, True), (STAFF_MEASURES, False)):
            sums = {}
            for code in codes:
                if chosen.random() < 0.2:
                    continue
                n, d = (
                    chosen.choice(halves)
                    if chosen.random() < 0.4
                    else (chosen.randint(0, 9999), chosen.randint(0, 9999))
                )
                sums[code] = (n, d)
            imported = {code: chosen.randint(0, 10000) for code in EXTERNAL if chosen.random() < 0.5} if grid else None
            if chosen.random() < 0.05:
                sums = {}  # nothing measured: no row at all
            slots = tuple(x for code in codes for x in sums.get(code, (0, 0))) if sums else ()
            decimals = scorecards._decimal_sums(slots, codes)
            if grid:
                outside = {code: Decimal(v).scaleb(-2) for code, v in imported.items()}
                figures = scorecards._grid_figures(decimals, outside)
            else:
                figures = scorecards._figures(decimals, codes)
            expected = score_of(figures)
            assert Decimal(score_in_cents(slots, tuple(codes), imported)).scaleb(-2) == expected, (sums, imported)


def test_a_members_sums_in_one_row_are_its_daily_figures_for_any_range(figures, company, station, grid):
    """MemberSums (one row per 台区 or person and day, week or month) gives, for ranges whose edges fall anywhere,
    what the DailyFigure rows give per measure; rewriting all of them, as the migration does, changes nothing."""
    from django.db import connection as db

    from dashboards.models import MemberSums

    for n in range(0, 50, 4):
        closed_order(grid=grid, department=station, met=n % 3 == 0, rating=3 + n % 3, at=DAY - timedelta(days=n))
    rollups.rebuild(DAY.date() - timedelta(days=60), DAY.date() + timedelta(days=1))
    before = sorted(MemberSums.objects.values_list("level", "grain", "day", "grid_id", "person_id", "n0", "d0", "n1"))
    with db.cursor() as cursor:
        rollups.member_sums(cursor)
    after = sorted(MemberSums.objects.values_list("level", "grain", "day", "grid_id", "person_id", "n0", "d0", "n1"))
    assert before == after and len(after) > 10
    scope, checked = queries.scope_for(company), set()
    for start, days in ((DAY.date() - timedelta(days=45), 40), (DAY.date() - timedelta(days=20), 21), (DAY.date(), 1)):
        period = periods.Period("range", start, start + timedelta(days=days))
        for level, codes in ((Level.GRID, scorecards.GRID_MEASURES), (Level.PERSON, scorecards.STAFF_MEASURES)):
            pivoted = queries.member_sums(scope, period, level, codes)
            by_measure = queries.by_member(scope, period, level, codes)
            checked |= {level} if by_measure else set()
            for member, sums in by_measure.items():
                for code, (n, d) in sums.items():
                    place = 2 * codes.index(code)
                    assert pivoted[member][place : place + 2] == (int(n * 100), int(d * 100)), (member, code)
    assert checked == {Level.GRID, Level.PERSON}
