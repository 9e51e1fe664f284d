from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "services.enquiries"
    label = "enquiries"
    verbose_name = _("Enquiries and the knowledge base")

    def ready(self) -> None:
        from services import kinds
        from services.enquiries.kind import KINDS

        for kind in KINDS:
            kinds.register(kind)
