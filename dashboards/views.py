"""The dashboards' pages: the dashboard, targets, scorecards, the import of external figures, the monthly
report; every table exports with `?export=csv|xlsx&table=<name>` and the page's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import ratelimits
from accounts.models import Department, ServiceGrid
from accounts.permissions import only_for
from dashboards import actions, exports, imports, pdf, periods, queries, registry, scorecards, targets
from dashboards.board import Board
from dashboards.forms import ImportForm, NoteForm, TargetForm
from dashboards.models import Target
from dashboards.permissions import (
    IMPORT_FIGURES,
    OWN_SCORECARD,
    READ_DASHBOARD,
    SET_TARGETS,
    is_company_wide,
    may,
    unit_for,
)
from dashboards.tables import Table

WRITES = "dashboards_writes"  # settings.RATE_LIMITS: every POST here counts one hit per user
PAGE_ROWS = 100  # a scorecard page shows a hundred of a ranking; its export holds them all


def _over_limit(request: HttpRequest) -> HttpResponse | None:
    """Count the user's write; past the limit, a 429 page and nothing changes."""
    key = f"user:{request.user.pk}"
    if ratelimits.is_limited(WRITES, key):
        context = {"message": ratelimits.refusal_message(WRITES)}
        return render(request, "dashboards/limited.html", context, status=429)
    ratelimits.hit(WRITES, key)
    return None


def _may(what: str) -> object:
    return lambda user: may(user, what)


def _context(request: HttpRequest) -> tuple[queries.Scope, periods.Period, dict]:
    unit = unit_for(request.user, request.GET.get("unit"))
    period = periods.period_from(request.GET, timezone.localdate())
    scope = queries.scope_for(unit)
    context = {
        "unit": unit,
        "period": period,
        "previous": period.previous(),
        "kinds": periods.KINDS,
        "units": _units(request),
        "query": {**period.query(), "unit": unit.code},
    }
    return scope, period, context


def _units(request: HttpRequest) -> object:
    home = unit_for(request.user, None)
    return Department.objects.subtree_of(home).order_by("code").only("code", "name")


def _export(request: HttpRequest, tables: list[Table], unit: Department) -> HttpResponse | None:
    fmt, name = request.GET.get("export"), request.GET.get("table")
    if fmt is None:
        return None
    chosen = next((t for t in tables if t.name == name), None)
    if fmt not in exports.FORMATS or chosen is None:
        raise Http404
    return exports.respond(fmt, chosen.records(), f"{chosen.name}-{unit.code}", str(chosen.title))


@only_for(_may(READ_DASHBOARD))
def dashboard(request: HttpRequest) -> HttpResponse:
    """A unit's figures for a period against the one before and the targets, each table with its chart."""
    scope, period, context = _context(request)
    board = Board(scope, period)
    tables = board.tables()
    exported = _export(request, tables, scope.unit)
    if exported is not None:
        return exported
    context |= {"cards": board.cards(), "tables": tables, "accounts": scope.accounts, "note_form": NoteForm()}
    context["report_query"] = urlencode(context["query"])  # the report picks its month from the period
    return render(request, "dashboards/dashboard.html", context)


@only_for(_may(READ_DASHBOARD))
def report(request: HttpRequest) -> HttpResponse:
    """The monthly quality report of a unit, to print or as a PDF (`?format=pdf`); the beat task links to both on
    the first working day."""
    scope, period, context = _context(request)
    if period.kind != "month":
        period = report_month(period, timezone.localdate())
        query = {**period.query(), "unit": scope.unit.code}
        context |= {"period": period, "previous": period.previous(), "query": query}
    board = Board(scope, period)
    context |= {"cards": board.cards(), "tables": board.tables(), "accounts": scope.accounts}
    if request.GET.get("format") == "pdf":
        content = pdf.report_pdf(scope.unit, period, context["cards"], context["tables"])
        response = HttpResponse(content, content_type="application/pdf")
        filename = f"quality-report-{scope.unit.code}-{period.start:%Y-%m}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context["pdf_query"] = urlencode({**context["query"], "format": "pdf"})
    return render(request, "dashboards/report.html", context)


def report_month(period: periods.Period, today: date) -> periods.Period:
    """The month a report of another period is about: the last month of it that has ended (a year's report in
    November is October's), or last month for a period within this month."""
    last_month = today.replace(day=1) - timedelta(days=1)
    return periods.around("month", min(period.last, last_month))


@require_POST
@only_for(_may(READ_DASHBOARD))
def annotate(request: HttpRequest) -> HttpResponse:
    """Note why a control chart's point lies where it does (for the unit shown)."""
    unit = unit_for(request.user, request.POST.get("unit"))
    if limited := _over_limit(request):
        return limited
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.annotate_point(by=request.user, department=unit, **form.cleaned_data)
        messages.success(request, _("The note was saved."))
    else:
        messages.error(request, _("The note could not be saved: give a week and a note."))
    return redirect(f"{reverse('dashboards:dashboard')}?unit={unit.code}#control")


@only_for(_may(SET_TARGETS))
def targets_page(request: HttpRequest) -> HttpResponse:
    """The year's targets of the manager's units, set or tightened down the tree, against the actual."""
    units = _units(request)
    if request.method == "POST" and (limited := _over_limit(request)):
        return limited
    form = TargetForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_target(by=request.user, **form.cleaned_data)
        except actions.TargetRefused as refusal:
            form.add_error("value", refusal.message)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("dashboards:targets")
    year = _year(request)
    rows = Target.objects.filter(year=year, department__in=units).select_related("department", "grid", "owner")
    scope = queries.scope_for(unit_for(request.user, None))
    context = {"form": form, "year": year, "rows": _target_rows(scope, list(rows), year)}
    return render(request, "dashboards/targets.html", context, status=400 if form.errors else 200)


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


def _target_rows(scope: queries.Scope, rows: list[Target], year: int) -> list[dict]:
    """Each target with the actual of its unit over the year (one query for them all) and its colour."""
    period = periods.around("year", timezone.localdate().replace(year=year, month=1, day=1))
    sums = queries.by_department(scope, period, sorted({t.measure for t in rows}))
    result = []
    for target in rows:
        measure = registry.get(target.measure)
        if measure is None:
            continue
        actual = None if target.grid_id else scope.actual_of(measure, sums, target.department_id)
        result.append(
            {"target": target, "measure": measure, "actual": actual, "rag": targets.rag(measure, actual, target.value)}
        )
    return result


@dataclass
class Pager:
    """Where one ranking's page lies: its ranks, and the query of the pages before and after."""

    first: int
    shown: int
    total: int
    previous: str = ""
    next: str = ""


def _page_of(request: HttpRequest, name: str) -> int:
    text = request.GET.get(f"{name}_page", "")
    return max(int(text), 1) if text.isdigit() else 1


def _pager(query: dict[str, str], name: str, page: int, shown: int, total: int) -> Pager:
    first = (page - 1) * PAGE_ROWS
    pager = Pager(first + 1, first + shown, total)
    if page > 1:
        pager.previous = urlencode({**query, f"{name}_page": page - 1})
    if first + shown < total:
        pager.next = urlencode({**query, f"{name}_page": page + 1})
    return pager


def _scorecard_tables(
    request: HttpRequest, scope: queries.Scope, period: periods.Period, query: dict[str, str], *, everything: bool
) -> list[tuple[Table, Pager]]:
    """Each ranking's page asked for (`<table>_page`), or every row of it for an export."""
    rankings = [
        ("grids", _("台区 customer manager scorecards"), scorecards.grid_ranking, scorecards.GRID_COLUMNS),
        ("staff", _("Staff scorecards"), scorecards.staff_ranking, scorecards.STAFF_MEASURES),
    ]
    result = []
    for name, title, ranking, columns in rankings:
        page = 1 if everything else _page_of(request, name)
        first = (page - 1) * PAGE_ROWS
        cards, total = ranking(scope, period, first, None if everything else PAGE_ROWS)
        table = scorecards.table(name, title, cards, columns, first=first)
        result.append((table, _pager(query, name, page, len(cards), total)))
    return result


@only_for(_may(READ_DASHBOARD))
def scorecards_page(request: HttpRequest) -> HttpResponse:
    """The 台区 managers' and the staff's scorecards of a unit's subtree, ranked, a page of each at a time."""
    scope, period, context = _context(request)
    everything = "export" in request.GET
    sections = _scorecard_tables(request, scope, period, context["query"], everything=everything)
    tables = [section[0] for section in sections]
    exported = _export(request, tables, scope.unit)
    if exported is not None:
        return exported
    context |= {"sections": sections, "tables": tables}
    return render(request, "dashboards/scorecards.html", context)


@only_for(_may(OWN_SCORECARD))
def my_scorecard(request: HttpRequest) -> HttpResponse:
    """A member of staff's own figures, and their 台区s' if they manage any."""
    period = periods.period_from(request.GET, timezone.localdate())
    card = scorecards.own_card(request.user, period)
    own = scorecards.table("mine", _("My scorecard"), [card], scorecards.STAFF_MEASURES)
    tables = [own]
    if ServiceGrid.objects.filter(manager=request.user).exists() and request.user.department_id:
        scope = queries.scope_for(request.user.department)
        cards = scorecards.grid_cards(scope, period, manager=request.user)
        tables.append(scorecards.table("my_grids", _("My service grids"), cards, scorecards.GRID_COLUMNS))
    exported = _export(request, tables, request.user.department or Department(code="company"))
    if exported is not None:
        return exported
    context = {"tables": tables, "period": period, "kinds": periods.KINDS, "query": period.query()}
    return render(request, "dashboards/my_scorecard.html", context)


@only_for(_may(IMPORT_FIGURES))
def import_figures(request: HttpRequest) -> HttpResponse:
    """Upload a month's data collection, line-loss and fee-recovery figures per 台区 (all rows or none)."""
    if request.method == "POST" and (limited := _over_limit(request)):
        return limited
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        grids = (
            ServiceGrid.objects.all()
            if is_company_wide(request.user)
            else ServiceGrid.objects.filter(department__in=_units(request))
        )
        parsed = imports.parse(form.cleaned_data["file"], {g.code: g for g in grids.only("code", "department_id")})
        errors = parsed.errors
        if not errors:
            count = actions.import_external_figures(parsed.rows, by=request.user)
            messages.success(request, _("%(n)d figures were imported.") % {"n": count})
            return redirect("dashboards:import")
    status = 400 if form.errors or errors else 200
    context = {"form": form, "errors": errors, "columns": imports.COLUMNS, "last_month": _last_month()}
    return render(request, "dashboards/import.html", context, status=status)


def _last_month() -> str:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
