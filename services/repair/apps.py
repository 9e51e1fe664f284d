from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "services.repair"
    label = "repair"
    verbose_name = _("Fault repair")

    def ready(self) -> None:
        from services import kinds
        from services.repair.kind import KIND

        kinds.register(KIND)
