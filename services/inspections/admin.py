from django.contrib import admin

from services.inspections.models import (
    AnomalyFlag,
    Checklist,
    ChecklistItem,
    InspectionPlan,
    LegalBasis,
    Rectification,
    TheftCase,
)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    inlines = [ItemInline]


@admin.register(InspectionPlan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name_zh",
        "customer_class",
        "voltage_level",
        "important_only",
        "interval_months",
        "sample_percent",
        "is_active",
    ]
    list_filter = ["is_active", "interval_months"]


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["code", "text_zh"]


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ["account", "due_on", "status", "escalated_at"]
    readonly_fields = ["status", "done_at", "escalated_at"]
    raw_id_fields = ["finding", "account"]


@admin.register(TheftCase)
class TheftCaseAdmin(admin.ModelAdmin):
    list_display = ["account", "department", "estimated_unbilled_kwh", "opened_at", "outcome", "closed_at"]
    raw_id_fields = ["finding", "account"]


@admin.register(AnomalyFlag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["account", "period", "rule", "status"]
    list_filter = ["rule", "status"]
    readonly_fields = ["status", "figures", "reviewed_by", "reviewed_at", "inspection"]
    raw_id_fields = ["account"]
