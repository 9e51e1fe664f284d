from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "services.connections"
    label = "connections"
    verbose_name = _("New connections and changes of use")

    def ready(self) -> None:
        from accounts import panels
        from services import kinds
        from services.connections.history import account_history_panel
        from services.connections.kind import KINDS

        for kind in KINDS:
            kinds.register(kind)
        panels.register(account_history_panel)
