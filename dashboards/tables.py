"""A dashboard table: its title, columns and rows, and the chart drawn from it (the same figures, so every
chart has its table for accessibility and print, and every table exports as CSV and XLSX)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

Cell = str | int | Decimal | None


@dataclass
class Row:
    label: str
    cells: list[Cell]
    link: str = ""  # the list of orders behind the figure (drill-down)
    orders: str = ""  # beside a link to a unit's own dashboard: the queue of its subtree's orders
    flag: str = ""  # "out": a control chart's point outside its limits; "red"/"amber"/"green": against target


@dataclass
class Table:
    name: str
    title: str | Promise
    columns: list[str | Promise]
    rows: list[Row] = field(default_factory=list)
    chart: dict[str, Any] | None = None

    def header(self) -> list[str]:
        return [str(column) for column in self.columns]

    def records(self) -> list[list[Cell]]:
        """Header first, then each row's label and cells: what an export writes."""
        return [self.header(), *([row.label, *row.cells] for row in self.rows)]


def bar_chart(table: Table, *, column: int = 0, kind: str = "bar", unit: str = "") -> dict[str, Any]:
    """A chart of one column of the table, each bar linked to its row's drill-down."""
    return {
        "type": kind,
        "unit": unit,
        "labels": [row.label for row in table.rows],
        "series": [
            {"label": str(table.columns[column + 1]), "values": [_number(row.cells[column]) for row in table.rows]}
        ],
        "links": [row.link for row in table.rows],
    }


def _number(cell: Cell) -> float | None:
    # Chart.js reads numbers; the table beside it keeps the exact Decimal.
    return float(cell) if isinstance(cell, (int, Decimal)) else None
