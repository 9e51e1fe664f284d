"""Receipts: what a kiosk prints for an order, a ticket or a check-in, and the printable page behind each.

`receipt_for_order` / `receipt_for_ticket` build the structured receipt the kiosk's printer driver lays out
(title, lines of label and value, a QR code's text). Each carries `print_url`, a signed link valid for an hour
to an HTML page of the same receipt (a QR code made by segno, inline SVG) for kiosks that print a page; the
link names the receipt, not the customer, and shows no identity number.
"""

from __future__ import annotations

from typing import Any

import segno
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outlets.models import Kiosk, Ticket
from services import kinds
from services.models import WorkOrder

SALT = "outlets.kiosk.receipt"
VALID_FOR = 3600  # seconds: long enough to print, short enough not to be a standing link


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _header(kiosk: Kiosk) -> list[dict[str, str]]:
    now = timezone.localtime()
    return [
        {"label": _("Outlet"), "value": kiosk.outlet.name},
        {"label": _("Kiosk"), "value": kiosk.name},
        {"label": _("Printed at"), "value": f"{now:%Y-%m-%d %H:%M}"},
    ]


def receipt_for_order(order: WorkOrder, kiosk: Kiosk, request: HttpRequest) -> dict[str, Any]:
    """The receipt of an order filed at the kiosk: its number, kind, status, and a QR code of its progress page."""
    progress = _absolute(request, reverse("services:order", args=[order.number]))
    lines = [
        {"label": _("Request number"), "value": order.number},
        {"label": _("Kind"), "value": kinds.kind_label(order.kind)},
        {"label": _("Status"), "value": kinds.status_label(order.status)},
        *_header(kiosk),
    ]
    return _receipt(
        "order", order.number, kiosk, request, title=_("Your request is received"), lines=lines, qr=progress
    )


def receipt_for_ticket(ticket: Ticket, kiosk: Kiosk, request: HttpRequest) -> dict[str, Any]:
    """The queue ticket's receipt: its number, service, and how many are waiting before it."""
    ahead = (
        Ticket.objects.waiting()
        .filter(outlet_id=ticket.outlet_id, service_id=ticket.service_id)
        .filter(queued_at__lt=ticket.queued_at or timezone.now())
        .count()
    )
    lines = [
        {"label": _("Ticket"), "value": ticket.code},
        {"label": _("Service"), "value": ticket.service.name},
        {"label": _("Waiting before you"), "value": str(ahead)},
        *_header(kiosk),
    ]
    return _receipt("ticket", str(ticket.pk), kiosk, request, title=_("Your queue ticket"), lines=lines, qr="")


def _receipt(
    kind: str, ref: str, kiosk: Kiosk, request: HttpRequest, *, title: str, lines: list[dict], qr: str
) -> dict[str, Any]:
    token = signing.dumps({"kind": kind, "ref": ref, "kiosk": kiosk.pk}, salt=SALT, compress=True)
    return {
        "title": title,
        "lines": lines,
        "qr": qr,
        "print_url": _absolute(request, reverse("kiosk:receipt", args=[token])),
    }


def printable(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt as a page to print: a kiosk opens its print_url (signed, valid an hour)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_FOR)
    except signing.BadSignature:
        raise Http404 from None
    kiosk = Kiosk.objects.select_related("outlet").filter(pk=data.get("kiosk")).first()
    if kiosk is None:
        raise Http404
    if data.get("kind") == "order":
        order = WorkOrder.objects.filter(number=data.get("ref")).first()
        receipt = receipt_for_order(order, kiosk, request) if order else None
    else:
        ticket = Ticket.objects.select_related("service").filter(pk=data.get("ref")).first()
        receipt = receipt_for_ticket(ticket, kiosk, request) if ticket else None
    if receipt is None:
        raise Http404
    qr_svg = segno.make(receipt["qr"], error="m").svg_inline(scale=4) if receipt["qr"] else ""
    return render(request, "outlets/kiosk_receipt.html", {"receipt": receipt, "qr_svg": qr_svg})
