"""The monthly quality report as a PDF: the page's headline figures and every table, with the bar, Pareto and
control charts drawn (reportlab.graphics), in the reader's language. As billing/pdf.py: reportlab's built-in CID
font STSong-Light carries the Chinese, so nothing is installed or embedded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as Grid
from reportlab.platypus.tables import TableStyle

from accounts.models import Department
from dashboards.board import Card
from dashboards.periods import Period
from dashboards.tables import Table
from dashboards.templatetags.dashboards import figure

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH = A4[0] - 30 * mm  # the frame between the margins
CHART_ROWS = 20  # a bar chart draws the first twenty rows (the table below it has them all)
BAR = colors.HexColor("#0d6efd")
LINE = colors.HexColor("#dc3545")
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=4)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=8, leading=10)
GRID_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)
# Characters STSong-Light has no glyph for (drawn as an empty box), and the glyph it has for each: a figure's
# name joins its kind and clock with a middle dot (dashboards.figures).
GLYPHS = str.maketrans({"\u00b7": "\u30fb"})
RAG = {"green": gettext_lazy("On target"), "amber": gettext_lazy("Near target"), "red": gettext_lazy("Off target")}


def _cell(value: object) -> Paragraph:
    return Paragraph(_escape(figure(value) if not isinstance(value, str) else value or "—"), TEXT)


def _escape(text: str) -> str:
    return _printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _printable(text: str) -> str:
    return text.translate(GLYPHS)


def _grid(header: Sequence[object], rows: list[list[object]]) -> Grid:
    first = WIDTH * 0.34
    widths = [first, *[(WIDTH - first) / max(len(header) - 1, 1)] * (len(header) - 1)]
    return Grid([[_cell(str(h)) for h in header], *rows], colWidths=widths, repeatRows=1, style=GRID_STYLE)


def _headlines(cards: list[Card]) -> Grid:
    header = [_("Figure"), _("This period"), _("Previous period"), _("Target"), _("Status")]
    rows = []
    for card in cards:
        status = str(RAG.get(card.rag, ""))
        name = f"{card.measure.label} ({card.measure.unit_label})"
        rows.append([_cell(name), _cell(card.value), _cell(card.previous), _cell(card.target), _cell(status)])
    return _grid(header, rows)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float, Decimal)) else 0.0


def _bars(chart: dict[str, Any]) -> Drawing:
    """The chart's first series as horizontal bars, one per row, labelled on the left (long Chinese labels fit)."""
    labels = [_printable(label[:30]) for label in chart["labels"][:CHART_ROWS]]
    values = [_number(v) for v in chart["series"][0]["values"][:CHART_ROWS]]
    height = 14 * len(labels) + 30
    drawing = Drawing(WIDTH, height)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = WIDTH * 0.34, 20, WIDTH * 0.6, height - 30
    bars.data = [list(reversed(values))]
    bars.categoryAxis.categoryNames = list(reversed(labels))
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 7
    bars.bars[0].fillColor = BAR
    bars.barLabelFormat = "%.1f"
    bars.barLabels.fontName = FONT
    bars.barLabels.fontSize = 6
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)
    drawing.add(
        String(
            WIDTH * 0.34,
            4,
            _printable(f"{chart['series'][0]['label']} {chart.get('unit', '')}"),
            fontName=FONT,
            fontSize=7,
        )
    )
    return drawing


def _p_chart(chart: dict[str, Any]) -> Drawing:
    """The weekly share with its control limits as lines; a point outside them is marked red."""
    drawing = Drawing(WIDTH, 150)
    lines = HorizontalLineChart()
    lines.x, lines.y, lines.width, lines.height = 30, 30, WIDTH - 40, 110
    lines.data = [[_number(v) for v in series["values"]] for series in chart["series"]]
    every = max(1, len(chart["labels"]) // 6)
    lines.categoryAxis.categoryNames = [
        label[5:] if index % every == 0 else "" for index, label in enumerate(chart["labels"])
    ]
    lines.categoryAxis.labels.fontName = FONT
    lines.categoryAxis.labels.fontSize = 7
    lines.valueAxis.labels.fontName = FONT
    lines.valueAxis.labels.fontSize = 7
    known = [value for series in lines.data for value in series] or [0.0]
    lines.valueAxis.valueMin, lines.valueAxis.valueMax = max(0.0, min(known) - 2), min(100.0, max(known) + 2)
    lines.lines[0].strokeColor, lines.lines[0].strokeWidth = BAR, 1.5
    for limit in (1, 2):
        lines.lines[limit].strokeColor, lines.lines[limit].strokeDashArray = colors.grey, [3, 2]
    drawing.add(lines)
    names = _printable(", ".join(series["label"] for series in chart["series"]))
    drawing.add(String(30, 8, names, fontName=FONT, fontSize=7))
    return drawing


def _drawn(table: Table) -> Drawing | None:
    chart = table.chart
    if not chart or not table.rows:
        return None
    if chart["type"] == "pchart":
        return _p_chart(chart)
    return _bars(chart)


def _section(table: Table) -> list[object]:
    parts: list[object] = [Paragraph(_escape(str(table.title)), HEADING)]
    drawn = _drawn(table)
    if drawn is not None:
        parts.append(drawn)
    rows = [[_cell(row.label), *[_cell(cell) for cell in row.cells]] for row in table.rows]
    if not rows:
        return [*parts, Paragraph(_("No figures for this period."), TEXT)]
    return [KeepTogether(parts), _grid(table.columns, rows)]


def report_pdf(unit: Department, period: Period, cards: list[Card], tables: list[Table]) -> bytes:
    """The unit's report for the month: its headline figures, then each table under its chart."""
    buffer = io.BytesIO()
    month = date_format(period.start, "YEAR_MONTH_FORMAT")
    title = _("Monthly quality report") + f": {unit.name}"
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    document.title = f"{title} {month}"
    story: list[object] = [Paragraph(_escape(title), TITLE), Paragraph(_escape(month), HEADING), Spacer(1, 4)]
    story.append(_headlines(cards))
    for table in tables:
        story += _section(table)
    document.build(story)
    return buffer.getvalue()
