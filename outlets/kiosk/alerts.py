"""A kiosk silent for five minutes is reported to its outlet's counter staff, once per silence.

The message is added to the backbone's outbox templates when this module is imported (outlets.models.kiosks
imports it, so every process that renders messages knows it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from outlets.models.kiosks import Kiosk
from services import notifications
from services.notifications import MessageTemplate

notifications.TEMPLATES.setdefault(
    "kiosk_silent",
    MessageTemplate(
        _("Kiosk %(kiosk)s at %(outlet)s is offline"),
        _(
            "Kiosk %(kiosk)s at %(outlet)s has sent no heartbeat since %(last_seen)s. Please check its power and "
            "network."
        ),
    ),
)


def report_silent_kiosks() -> int:
    """Tell each silent kiosk's outlet staff that it is offline, once per silence; return how many kiosks."""
    now = timezone.now()
    reported = 0
    for kiosk in Kiosk.objects.silent(now).filter(silence_reported_at__isnull=True).select_related("outlet"):
        with transaction.atomic():
            # The row's flag is claimed under a lock: two beats at once report a silence once.
            claimed = Kiosk.objects.filter(pk=kiosk.pk, silence_reported_at__isnull=True).update(
                silence_reported_at=now
            )
            if claimed:
                _notify(kiosk)
                reported += 1
    return reported


def _notify(kiosk: Kiosk) -> None:
    staff = User.objects.filter(
        department_id=kiosk.outlet.department_id, role=Role.COUNTER_STAFF, is_active=True
    ).order_by("pk")
    last_seen = timezone.localtime(kiosk.last_seen_at or kiosk.registered_at)
    notifications.notify(
        None,
        template="kiosk_silent",
        recipients=staff,
        context={"kiosk": kiosk.name, "outlet": kiosk.outlet.name, "last_seen": f"{last_seen:%Y-%m-%d %H:%M}"},
        channels=[notifications.NotificationChannel.INBOX],
        dedupe=f"kiosk_silent:{kiosk.pk}:{last_seen:%Y%m%d%H%M%S}",
    )
