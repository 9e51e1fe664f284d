"""How a dashboard's figures read: a dash for nothing, and the export links keeping the page's filters."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format

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
