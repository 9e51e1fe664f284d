"""Outage notices in the admin: read-only status; writing and publishing go through the pages (actions.py)."""

from django.contrib import admin

from services.notices.models import NoticeGrid, OutageNotice


class NoticeGridInline(admin.TabularInline):
    model = NoticeGrid
    raw_id_fields = ["grid"]
    extra = 0


@admin.register(OutageNotice)
class OutageNoticeAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "starts_at", "ends_at", "area"]
    list_filter = ["kind", "status"]
    search_fields = ["area", "reason"]
    readonly_fields = ["status", "revision", "published_at", "cancelled_at", "restored_at", "outage", "created_by"]
    raw_id_fields = ["override_by"]
    inlines = [NoticeGridInline]
