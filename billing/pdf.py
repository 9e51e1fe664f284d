"""A bill and an electronic invoice as PDF (reportlab, its built-in CID font STSong-Light for Chinese), each
with the company's details and a QR code (segno) to the bill's page."""

from __future__ import annotations

import io

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from billing.models import Bill, company_details

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _qr(url: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def _header(pdf: canvas.Canvas, title: str, url: str) -> float:
    company = company_details()
    width, height = A4
    pdf.setFont(FONT, 16)
    pdf.drawString(20 * mm, height - 25 * mm, company["name"])
    pdf.setFont(FONT, 13)
    pdf.drawString(20 * mm, height - 34 * mm, title)
    pdf.setFont(FONT, 9)
    y = height - 42 * mm
    for label, value in ((_("Address"), company["address"]), (_("Tax number"), company["tax_id"]),
                         (_("Service hotline"), company["phone"]), (_("Bank account"), company["bank"])):  # fmt: skip
        pdf.drawString(20 * mm, y, f"{label}: {value}")
        y -= 5 * mm
    pdf.drawImage(_qr(url), width - 55 * mm, height - 60 * mm, 35 * mm, 35 * mm)
    return y - 5 * mm


def _rows(pdf: canvas.Canvas, y: float, rows: list[tuple[str, str]]) -> float:
    pdf.setFont(FONT, 11)
    for label, value in rows:
        pdf.drawString(20 * mm, y, label)
        pdf.drawRightString(190 * mm, y, value)
        y -= 7 * mm
    return y


def _bill_rows(bill: Bill) -> list[tuple[str, str]]:
    account = bill.account
    rows = [
        (_("Account"), f"{account.number} {account.customer.name}"),
        (_("Service address"), account.address),
        (_("Month"), f"{bill.period:%Y-%m}"),
        (_("Tariff"), bill.tariff.name),
        (_("kWh"), f"{bill.kwh:,.2f}"),
    ]
    for line in bill.lines.all():
        label = _("Tier %(tier)s, %(band)s: %(kwh)s kWh × ¥%(price)s") % {
            "tier": line.tier, "band": line.get_band_display(), "kwh": f"{line.kwh:,.2f}", "price": line.price
        }  # fmt: skip
        rows.append((label, f"¥{line.amount:,.2f}"))
    rows.append((_("Amount"), f"¥{bill.amount:,.2f}"))
    return rows


def _render(title: str, url: str, rows: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    _rows(pdf, _header(pdf, title, url), rows)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def bill_pdf(bill: Bill, url: str) -> bytes:
    """The bill: the account, the month, each line, the total and the due date."""
    with translation.override(translation.get_language()):
        rows = [*_bill_rows(bill), (_("Pay by"), f"{bill.due_on:%Y-%m-%d}")]
        return _render(_("Electricity bill"), url, rows)


def invoice_pdf(bill: Bill, url: str) -> bytes:
    """The electronic invoice of a paid bill: the bill's lines, the late fee, the total paid and when."""
    rows = [*_bill_rows(bill)]
    if bill.late_fee:
        rows.append((_("Late fee"), f"¥{bill.late_fee:,.2f}"))
    rows += [(_("Total paid"), f"¥{bill.amount + bill.late_fee:,.2f}"), (_("Paid on"), f"{bill.paid_on:%Y-%m-%d}")]
    return _render(_("Electronic invoice"), url, rows)
