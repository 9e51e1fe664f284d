"""How a dashboard's figures read: a dash for nothing, the export links keeping the page's filters, and the
cards' monthly sparkline."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from dashboards.board import TrendPoint
from dashboards.tables import Cell, Table

register = template.Library()


@register.filter
def figure(cell: Cell) -> str:
    """A figure as Django's number_format writes it (one decimal place from 10 up, else two; the places beyond
    cut, not rounded), without its general machinery where no thousands are grouped: a dashboard writes a thousand
    of them."""
    return _written(cell, None if settings.USE_THOUSAND_SEPARATOR else get_format("DECIMAL_SEPARATOR"))


def _written(cell: Cell, separator: str | None) -> str:
    """figure(), the decimal separator looked up once for a table's cells (None: number_format groups thousands)."""
    if cell is None or cell == "":
        return "—"
    if not isinstance(cell, Decimal):
        return str(cell)
    places = 1 if abs(cell) >= 10 else 2
    if separator is None:
        return number_format(cell, decimal_pos=places)
    if abs(cell) < CUTOFF[places]:
        cell = Decimal(0)
    whole, _point, decimals = f"{cell:f}".partition(".")
    return f"{whole}{separator}{(decimals + '00')[:places]}"


CUTOFF = {1: Decimal("0.1"), 2: Decimal("0.01")}  # below it nothing shows: number_format writes 0


@register.simple_tag
def export_query(query: dict[str, str], fmt: str, table: str) -> str:
    return urlencode({**query, "export": fmt, "table": table})


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The table's body rows, written here rather than by template loops: a year's dashboard has some 900 cells,
    and each cell's template nodes cost more than the figure itself (a third of the page's time went to them).
    Each cell carries its column's name (`data-label`) for the stacked layout of a phone's narrow screen."""
    if not table.rows:
        message = escape(gettext("No figures for this period."))
        return mark_safe(f'<tr><td colspan="{len(table.columns)}">{message}</td></tr>')
    labels = [f' data-label="{escape(column)}"' for column in table.columns[1:]]
    orders, outside, vital = (escape(gettext(text)) for text in ("Orders", "outside the limits", "vital few"))
    badges = {
        "out": f' <span class="badge text-bg-danger">{outside}</span>',
        "vital": f' <span class="badge text-bg-secondary">{vital}</span>',
    }
    labels += [""] * (max((len(row.cells) for row in table.rows), default=0) - len(labels))
    separator = None if settings.USE_THOUSAND_SEPARATOR else get_format("DECIMAL_SEPARATOR")
    lines = []
    for row in table.rows:
        label = escape(row.label)
        head = f'<a href="{escape(row.link)}">{label}</a>' if row.link else label
        if row.orders:
            head += f' <a class="small ms-1 d-print-none" href="{escape(row.orders)}">{orders}</a>'
        head += badges.get(row.flag, "")
        cells = "".join(
            f'<td class="text-end"{label}>{html.escape(_written(cell, separator))}</td>'
            for label, cell in zip(labels, row.cells, strict=False)
        )
        warning = ' class="table-warning"' if row.flag == "out" else ""
        lines.append(f'<tr{warning}><th scope="row">{head}</th>{cells}</tr>')
    return mark_safe("\n".join(lines))


@lru_cache(maxsize=512)
def _month_labels(month: date, language: str) -> tuple[str, str]:
    """A month under a sparkline, in the active language `language`: its name and year, and the short form twelve of
    which fit under a card ("Jan", "1月": Django's "M" in Chinese is "一月"). The same months stand under every card
    of a page; each is formatted once."""
    short = pgettext("the month under a sparkline's point, a date format", "M")
    return escape(date_format(month, "YEAR_MONTH_FORMAT")), escape(date_format(month, short))


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD, SPARK_LABELS = 240, 56, 9, 12  # the SVG's user units; it scales to the card


@register.simple_tag
def sparkline(trend: list[TrendPoint], unit: str, name: str) -> SafeString:
    """A card's trend as an inline SVG line (drawn on the server: nothing to load, prints as it shows), each point
    labelled with its month below, and the same months and figures as a table for screen readers. Written here,
    as the table rows are: eight cards' template loops cost more than a whole table."""
    known = [point.value for point in trend if point.value is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(trend) - 1, 1)
    plot = SPARK_HEIGHT - SPARK_LABELS - 2 * SPARK_PAD
    lines, line, marks, labels, summary, rows = [], [], [], [], [], []
    language = get_language()
    separator = None if settings.USE_THOUSAND_SEPARATOR else get_format("DECIMAL_SEPARATOR")
    for index, point in enumerate(trend):
        x = round(SPARK_PAD + index * step, 1)
        (month, short), value = _month_labels(point.month, language), html.escape(_written(point.value, separator))
        if point.value is not None:
            share = (point.value - low) / (high - low) if high > low else Decimal("0.5")
            y = round(SPARK_PAD + plot * (1 - float(share)), 1)
            line.append(f"{x},{y}")
            marks.append(
                f'<circle cx="{x}" cy="{y}" r="2.5" fill="currentColor"><title>{month}: {value}</title></circle>'
            )
        elif line:
            lines.append(" ".join(line))
            line = []
        labels.append(
            f'<text x="{x}" y="{SPARK_HEIGHT - 2}" text-anchor="middle" font-size="7" '
            f'fill="var(--bs-secondary-color)">{short}</text>'
        )
        summary.append(f"{month} {value}")
        rows.append(f'<tr><th scope="row">{month}</th><td>{value}</td></tr>')
    if line:
        lines.append(" ".join(line))
    polylines = "".join(
        f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>'
        for points in lines
    )
    by_month, key = escape(gettext("By month")), escape(f"spark-{name}")
    return mark_safe(
        f'<figure class="mt-2 mb-0">'
        f'<svg viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="100%" class="text-primary" role="img" '
        f'aria-labelledby="{key}-title" focusable="false" style="max-height: 4.5rem;">'
        f'<title id="{key}-title">{by_month}: {"; ".join(summary)}</title>{polylines}{"".join(marks)}{"".join(labels)}'
        f"</svg>"
        f'<div class="visually-hidden"><table><caption>{by_month}</caption>'
        f'<thead><tr><th scope="col">{escape(gettext("Month"))}</th><th scope="col">{escape(unit)}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></figure>"
    )
