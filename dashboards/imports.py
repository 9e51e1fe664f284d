"""The monthly figures that come from outside the portal (data collection, line loss, fee recovery), read from
a CSV or XLSX file: every row checked, a clear error per bad row, and nothing written unless all are good.

Columns, with a header row: grid (the 台区's code), month (YYYY-MM), data_collection, line_loss, fee_recovery
(per cent, 0–100; a blank cell is skipped).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO, StringIO

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounts.models import ServiceGrid
from dashboards.actions import ExternalRow
from dashboards.models import ExternalMeasure

COLUMNS = ["grid", "month", *[m.value for m in ExternalMeasure]]
MAX_ROWS = 20000


@dataclass
class Parsed:
    rows: list[ExternalRow]
    errors: list[str]


def _records(upload: UploadedFile) -> list[list[str]]:
    data = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).active
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(StringIO(data.decode("utf-8-sig"))))


def _month(text: str) -> date | None:
    try:
        return date.fromisoformat(f"{text.strip()[:7]}-01")
    except ValueError:
        return None


def _row(number: int, cells: dict[str, str], grids: dict[str, ServiceGrid], errors: list[str]) -> list[ExternalRow]:
    grid = grids.get(cells.get("grid", "").strip())
    month = _month(cells.get("month", ""))
    if grid is None:
        errors.append(
            _("Row %(n)d: no service grid in your units has the code “%(code)s”.")
            % {"n": number, "code": cells.get("grid", "")}
        )
        return []
    if month is None:
        errors.append(_("Row %(n)d: the month must read YYYY-MM.") % {"n": number})
        return []
    found = []
    for measure in ExternalMeasure:
        text = cells.get(measure.value, "").strip().rstrip("%")
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not Decimal(0) <= value <= Decimal(100):
            errors.append(
                _("Row %(n)d: %(measure)s must be a percentage from 0 to 100.")
                % {"n": number, "measure": measure.label}
            )
            continue
        found.append(ExternalRow(grid, month, measure.value, value.quantize(Decimal("0.01"))))
    return found


def parse(upload: UploadedFile, grids: dict[str, ServiceGrid]) -> Parsed:
    """Read and check the file against the 台区s the importer may write (by code)."""
    try:
        records = _records(upload)
    except Exception:
        return Parsed([], [_("The file could not be read as CSV or XLSX.")])
    if not records or [c.strip().lower() for c in records[0][: len(COLUMNS)]] != COLUMNS:
        return Parsed([], [_("The first row must name the columns: %(columns)s.") % {"columns": ", ".join(COLUMNS)}])
    if len(records) > MAX_ROWS:
        return Parsed([], [_("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS}])
    rows: list[ExternalRow] = []
    errors: list[str] = []
    for number, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record):
            rows += _row(number, dict(zip(COLUMNS, record, strict=False)), grids, errors)
    return Parsed(rows, errors)
