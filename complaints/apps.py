from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from complaints.kind import KINDS
        from services import kinds

        for kind in KINDS:
            kinds.register(kind)
