from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # The backbone's measures (work orders, visits, repair, complaints, outlets, notices) register here; a
        # new app lists its own in its `dashboard_measures.py`, found here (docs/architecture.md, "dashboards").
        from dashboards import figures, messages, registry
        from services import notifications

        figures.register_all()
        registry.autodiscover()  # each app's dashboard_measures.MEASURES
        for name, template in messages.MESSAGES.items():
            notifications.TEMPLATES.setdefault(name, template)
