from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # The backbone's measures (work orders, visits, repair, complaints, outlets, notices) register here; a
        # new app registers its own from its own AppConfig.ready() the same way (docs/architecture.md).
        from dashboards import figures, messages
        from services import notifications

        figures.register_all()
        for name, template in messages.MESSAGES.items():
            notifications.TEMPLATES.setdefault(name, template)
