"""The messages billing sends through the outbox (added to services.notifications.TEMPLATES by apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "low_balance": MessageTemplate(
        _("Low balance on account %(account)s"),
        _("The prepaid balance of account %(account)s is ¥%(balance)s. Please top it up to keep your supply. %(link)s"),
    ),
    "disconnection_notice": MessageTemplate(
        _("Notice of disconnection for arrears: account %(account)s"),
        _(
            "Account %(account)s owes ¥%(amount)s, overdue since %(since)s. Unless it is paid, supply may be "
            "disconnected from %(planned_on)s. %(link)s"
        ),
    ),
    "payment_confirmed": MessageTemplate(
        _("Payment received: ¥%(amount)s"),
        _("We have received ¥%(amount)s for account %(account)s (payment %(reference)s). Thank you. %(link)s"),
    ),
}
