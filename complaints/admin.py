"""The admin of the complaints' reference data (categories, root causes) and the accountability findings."""

from __future__ import annotations

from django.contrib import admin

from complaints.models import Accountability, ComplaintCategory, RootCause


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "is_active", "position"]
    list_filter = ["parent", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_company_fault", "is_active", "position"]
    list_filter = ["is_company_fault", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Accountability)
class AccountabilityAdmin(admin.ModelAdmin):
    list_display = ["complaint", "department", "employee", "penalty_points", "by", "at"]
    list_select_related = ["department", "employee", "by"]
    raw_id_fields = ["complaint", "department", "employee", "by"]
    date_hierarchy = "at"
