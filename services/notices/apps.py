from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "services.notices"
    label = "notices"
    verbose_name = _("Outage notices")

    def ready(self) -> None:
        # Notices are not a kind of request, so they cannot bring their messages through the kinds' registry:
        # they add them to the outbox's own table, which services.delivery renders from.
        from services import notifications
        from services.notices.messages import MESSAGES

        for name, template in MESSAGES.items():
            notifications.TEMPLATES.setdefault(name, template)
