"""The admin for master data. Identity numbers appear only masked, and can be set but never read back."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Customer,
    Department,
    ElectricityAccount,
    LinkAttempt,
    MeterReading,
    ServiceGrid,
    User,
)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "department", "phone", "email", "is_active"]
    list_filter = ["role", "is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Portal"), {"fields": ["full_name", "role", "department", "phone", "language"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ["full_name", "role", "department", "phone", "email"]}),
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]


@admin.register(ServiceGrid)
class ServiceGridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area_type", "department", "manager"]
    list_filter = ["area_type", "department"]
    list_select_related = ["department", "manager"]
    search_fields = ["code", "name"]
    raw_id_fields = ["manager"]


class CustomerAdminForm(forms.ModelForm):
    identity_number = forms.CharField(
        label=_("identity number"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("ID card for a person, unified social credit code for an organisation. Leave empty to keep."),
    )

    class Meta:
        model = Customer
        fields = ["kind", "name", "phone", "email"]

    def clean(self) -> dict:
        cleaned = super().clean()
        raw = cleaned.get("identity_number")
        if raw:
            self.instance.kind = cleaned.get("kind", self.instance.kind)
            try:
                self.instance.set_identity_number(raw)
            except ValidationError as error:
                self.add_error("identity_number", error)
        elif not self.instance.id_number_digest:
            self.add_error("identity_number", _("An identity number is required for a new customer."))
        return cleaned


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ["name", "kind", "phone", "id_number_masked", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "phone"]
    readonly_fields = ["id_number_masked", "created_at"]
    fields = ["kind", "name", "phone", "email", "identity_number", "id_number_masked", "created_at"]


class MeterReadingInline(admin.TabularInline):
    model = MeterReading
    extra = 0
    ordering = ["-period"]
    max_num = 24


@admin.register(ElectricityAccount)
class ElectricityAccountAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "grid", "customer_class", "status", "is_important", "linked_user"]
    list_filter = ["status", "customer_class", "is_important"]
    list_select_related = ["customer", "grid", "linked_user"]
    search_fields = ["number"]
    raw_id_fields = ["customer", "grid", "linked_user"]
    # Linking is the customer's own act, proved by identity (accounts.actions.link_account).
    readonly_fields = ["linked_user", "linked_at"]
    inlines = [MeterReadingInline]
    show_full_result_count = False


@admin.register(MeterReading)
class MeterReadingAdmin(admin.ModelAdmin):
    list_display = ["account", "period", "total_kwh", "peak_kwh", "valley_kwh"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    date_hierarchy = "period"
    show_full_result_count = False


@admin.register(LinkAttempt)
class LinkAttemptAdmin(admin.ModelAdmin):
    list_display = ["attempted_at", "user", "account_number", "succeeded"]
    list_filter = ["succeeded"]
    list_select_related = ["user"]
    readonly_fields = ["user", "account_number", "succeeded", "attempted_at"]

    def has_add_permission(self, request) -> bool:
        return False
