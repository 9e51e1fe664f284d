from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "services.applications"
    label = "applications"
    verbose_name = _("Service applications")

    def ready(self) -> None:
        from services import kinds
        from services.applications.kind import KIND

        kinds.register(KIND)
