"""The admin for outlets: the reference data (outlets, their hours and exceptions, counters, queue services,
台区 locations, agents, appointment slots) is edited here; tickets and appointments are shown read-only,
as they change only through outlets.actions."""

from __future__ import annotations

from django.contrib import admin

from outlets.models import (
    Appointment,
    AppointmentSlot,
    Counter,
    GridLocation,
    OpeningException,
    OpeningHours,
    Outlet,
    OutletAgent,
    QueueService,
    Ticket,
)
from services.admin import ReadOnlyMixin


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class CounterInline(admin.TabularInline):
    model = Counter
    fields = ["number", "name", "services", "is_active", "staffed_by"]
    readonly_fields = ["staffed_by"]
    extra = 0


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "department", "is_active"]
    list_filter = ["kind", "is_active", "district"]
    search_fields = ["code", "name", "address"]
    list_select_related = ["department"]
    raw_id_fields = ["grid"]
    filter_horizontal = ["services"]
    inlines = [OpeningHoursInline, OpeningExceptionInline, CounterInline]


@admin.register(QueueService)
class QueueServiceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "code", "name", "priority", "typical_minutes", "is_active"]
    search_fields = ["code", "name"]


@admin.register(GridLocation)
class GridLocationAdmin(admin.ModelAdmin):
    list_display = ["grid", "district", "town", "latitude", "longitude"]
    list_filter = ["district"]
    search_fields = ["grid__code", "grid__name", "town"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]


@admin.register(OutletAgent)
class OutletAgentAdmin(admin.ModelAdmin):
    list_display = ["user", "outlet", "since"]
    list_select_related = ["user", "outlet"]
    raw_id_fields = ["user", "outlet"]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ["outlet", "service", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["service"]
    list_select_related = ["outlet", "service"]
    readonly_fields = ["booked"]
    date_hierarchy = "starts_at"


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "outlet", "service", "day", "source", "status", "counter", "served_by"]
    list_filter = ["status", "source", "service"]
    list_select_related = ["outlet", "service", "counter", "served_by"]
    search_fields = ["code", "outlet__code"]
    date_hierarchy = "day"
    show_full_result_count = False


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "slot", "status", "booked_by", "booked_at"]
    list_filter = ["status"]
    list_select_related = ["slot__outlet", "slot__service", "booked_by"]
    search_fields = ["reference"]


# The kiosks' admin (register with the key shown once, rotate, revoke; the request log): outlets.kiosk.admin.
import outlets.kiosk.admin  # noqa: E402, F401
