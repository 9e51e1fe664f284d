"""How a dashboard's figures read: a dash for nothing, the export links keeping the page's filters, and the
cards' monthly sparkline."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import pgettext

from dashboards.board import TrendPoint
from dashboards.tables import Cell, Table

register = template.Library()


@register.filter
def figure(cell: Cell) -> str:
    if cell is None or cell == "":
        return "—"
    if isinstance(cell, Decimal):
        return number_format(cell, decimal_pos=1 if abs(cell) >= 10 else 2)
    return str(cell)


@register.simple_tag
def export_query(query: dict[str, str], fmt: str, table: str) -> str:
    return urlencode({**query, "export": fmt, "table": table})


@register.simple_tag
def column_label(table: Table, index: int) -> str:
    return str(table.columns[index]) if index < len(table.columns) else ""


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD, SPARK_LABELS = 240, 56, 9, 12  # the SVG's user units; it scales to the card


@register.inclusion_tag("dashboards/_sparkline.html")
def sparkline(trend: list[TrendPoint], unit: str, name: str) -> dict[str, object]:
    """A card's trend as an inline SVG line (drawn on the server: nothing to load, prints as it shows), each point
    labelled with its month below, and the same months and figures as a table for screen readers."""
    known = [point.value for point in trend if point.value is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(trend) - 1, 1)
    plot = SPARK_HEIGHT - SPARK_LABELS - 2 * SPARK_PAD
    points, lines, line = [], [], []
    # A date format per language, twelve of which fit under a card: "Jan", "1月" (Django's "M" in Chinese is "一月").
    short = pgettext("the month under a sparkline's point, a date format", "M")
    for index, point in enumerate(trend):
        x = round(SPARK_PAD + index * step, 1)
        y = None
        if point.value is not None:
            share = (point.value - low) / (high - low) if high > low else Decimal("0.5")
            y = round(SPARK_PAD + plot * (1 - float(share)), 1)
            line.append(f"{x},{y}")
        elif line:
            lines.append(" ".join(line))
            line = []
        month = {"short": date_format(point.month, short), "long": date_format(point.month, "YEAR_MONTH_FORMAT")}
        points.append({"x": x, "y": y, "value": point.value, **month})
    if line:
        lines.append(" ".join(line))
    return {
        "points": points,
        "lines": lines,
        "unit": unit,
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "label_y": SPARK_HEIGHT - 2,
        "id": f"spark-{name}",
    }
