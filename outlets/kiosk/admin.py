"""Kiosks in the admin: register one (its key shown once), rotate its secret, revoke it; state read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outlets.kiosk import actions
from outlets.models import Kiosk, KioskRequest


def _show_key(request: HttpRequest, credential: actions.Credential) -> None:
    messages.warning(
        request,
        _("Key of %(kiosk)s, shown only now; enter it in the kiosk's settings: %(key)s")
        % {"kiosk": credential.kiosk, "key": credential.key},
    )


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet", "last_seen_at", "printer", "paper", "card_reader", "revoked_at"]
    list_filter = ["outlet", "revoked_at"]
    list_select_related = ["outlet"]
    readonly_fields = [
        "key_id",
        "registered_at",
        "secret_rotated_at",
        "revoked_at",
        "last_seen_at",
        "printer",
        "paper",
        "card_reader",
        "software_version",
    ]
    actions = ["rotate", "revoke"]

    def get_fields(self, request: HttpRequest, obj: Kiosk | None = None) -> list[str]:
        return ["outlet", "name"] + (self.readonly_fields if obj else [])

    def get_readonly_fields(self, request: HttpRequest, obj: Kiosk | None = None) -> list[str]:
        return ["outlet", *self.readonly_fields] if obj else []

    def save_model(self, request: HttpRequest, obj: Kiosk, form: object, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        credential = actions.register_kiosk(outlet=obj.outlet, name=obj.name, by=request.user)
        obj.pk = credential.kiosk.pk
        _show_key(request, credential)

    @admin.action(description=_("Rotate the secret (the old key stops working)"))
    def rotate(self, request: HttpRequest, queryset: QuerySet[Kiosk]) -> None:
        for kiosk in queryset.filter(revoked_at__isnull=True):
            _show_key(request, actions.rotate_secret(kiosk, by=request.user))

    @admin.action(description=_("Revoke (the kiosk is refused from now on)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Kiosk]) -> None:
        for kiosk in queryset:
            actions.revoke_kiosk(kiosk, by=request.user)
        count = queryset.count()
        self.message_user(
            request, ngettext("%(count)d kiosk revoked.", "%(count)d kiosks revoked.", count) % {"count": count}
        )


@admin.register(KioskRequest)
class KioskRequestAdmin(admin.ModelAdmin):
    list_display = ["at", "kiosk", "outlet", "method", "endpoint", "status_code", "duration_ms"]
    list_filter = ["outlet", "status_code"]
    list_select_related = ["kiosk", "outlet"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
