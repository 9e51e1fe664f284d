"""The message the monthly quality report sends to each department's managers (added to the outbox in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "monthly_quality_report": MessageTemplate(
        _("Quality report for %(month)s: %(department)s"),
        _("The monthly quality report of %(department)s for %(month)s is ready: %(link)s (PDF: %(pdf_link)s)"),
    ),
}
