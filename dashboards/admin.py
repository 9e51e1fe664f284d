"""The dashboards' tables in the admin, to read: targets are set on the targets page (dashboards.actions, which
checks the cascade), figures are written by the rollup and the import."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dashboards.models import ChartNote, ExternalFigure, Target


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(ReadOnly):
    list_display = ["measure", "year", "department", "grid", "value", "owner", "set_by", "set_at"]
    list_filter = ["year", "measure"]


@admin.register(ExternalFigure)
class ExternalFigureAdmin(ReadOnly):
    list_display = ["grid", "month", "measure", "value", "imported_by", "imported_at"]
    list_filter = ["measure", "month"]
    search_fields = ["grid__code"]


@admin.register(ChartNote)
class ChartNoteAdmin(ReadOnly):
    list_display = ["measure", "week", "department", "note", "by", "at"]
