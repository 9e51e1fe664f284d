from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = _("Bills and payment")

    def ready(self) -> None:
        # Billing is not a kind of request: like the outage notices it adds its messages to the outbox's own
        # table, which services.delivery renders from.
        from billing.messages import MESSAGES
        from services import notifications

        for name, template in MESSAGES.items():
            notifications.TEMPLATES.setdefault(name, template)
