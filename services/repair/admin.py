"""The admin of fault repair's reference data: outage events (a repair's particulars show on its work order)."""

from __future__ import annotations

from django.contrib import admin

from services.repair.models import OutageEvent


@admin.register(OutageEvent)
class OutageEventAdmin(admin.ModelAdmin):
    list_display = ["grid", "kind", "started_at", "expected_end_at", "restored_at", "lead_order"]
    list_filter = ["kind"]
    list_select_related = ["grid", "lead_order"]
    raw_id_fields = ["grid", "lead_order", "created_by"]
    date_hierarchy = "started_at"
