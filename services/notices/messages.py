"""The messages outage notices send, added to the outbox's templates when the app is ready (apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "outage_notice": MessageTemplate(
        _("Power outage %(starts_at)s to %(ends_at)s"),
        _("Power will be off in %(area)s from %(starts_at)s to about %(ends_at)s: %(reason)s. %(link)s"),
    ),
    "outage_notice_changed": MessageTemplate(
        _("Changed: power outage now %(starts_at)s to %(ends_at)s"),
        _("The outage in %(area)s has moved: power off from %(starts_at)s to about %(ends_at)s. %(link)s"),
    ),
    "outage_notice_cancelled": MessageTemplate(
        _("Cancelled: the power outage of %(starts_at)s"),
        _("The outage announced in %(area)s from %(starts_at)s is cancelled; supply continues as usual. %(link)s"),
    ),
    "outage_notice_restored": MessageTemplate(
        _("Power is back in %(area)s"),
        _("Power has been restored in %(area)s. Thank you for your patience. %(link)s"),
    ),
}
