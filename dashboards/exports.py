"""Every dashboard table and scorecard as CSV (streamed row by row) or XLSX (openpyxl's write-only workbook)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from dashboards.tables import Cell

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _plain(cell: Cell) -> Cell:
    return "" if cell is None else cell


def csv_response(records: Iterable[list[Cell]], filename: str) -> StreamingHttpResponse:
    """A CSV that starts flowing at once; the BOM lets Excel read the Chinese."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for record in records:
            yield writer.writerow([_plain(cell) for cell in record])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(records: Iterable[list[Cell]], filename: str, title: str) -> HttpResponse:
    """An XLSX of one sheet; numbers stay numbers (Decimal as float only in the cell)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "figures")
    for record in records:
        sheet.append([float(cell) if isinstance(cell, Decimal) else _plain(cell) for cell in record])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def respond(fmt: str, records: Iterable[list[Cell]], filename: str, title: str) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(records, filename, title)
    return csv_response(records, filename)
