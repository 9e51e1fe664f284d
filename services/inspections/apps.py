from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "services.inspections"
    label = "inspections"
    verbose_name = _("Inspections of electricity use")

    def ready(self) -> None:
        from accounts import panels
        from services import kinds
        from services.inspections.history import history_panel
        from services.inspections.kind import KIND

        kinds.register(KIND)
        panels.register(history_panel)
