"""The admin for the services app.

Reference data is edited here: time-limit policies, the calendar's exceptions, routing rules (a kind's own, such as
outage events, in its package's admin).
Work orders, their timelines and clocks, notifications and return visits are shown read-only: they change
only through services.actions and the kinds' own actions, which lock the row and write the timeline.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from services import events, kinds, sla
from services.models import (
    Attachment,
    CalendarException,
    Clock,
    Notification,
    ReturnVisit,
    RoutingRule,
    SlaPolicy,
    TimelineEvent,
    WorkOrder,
)


class ReadOnlyMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(ReadOnlyMixin, admin.TabularInline):
    model = TimelineEvent
    fields = ["at", "kind", "actor", "old_label", "new_label", "note", "is_public"]
    readonly_fields = ["old_label", "new_label"]
    ordering = ["at", "pk"]
    extra = 0

    @admin.display(description=_("from"))
    def old_label(self, event: TimelineEvent) -> str:
        return events.value_labels(event)[0]

    @admin.display(description=_("to"))
    def new_label(self, event: TimelineEvent) -> str:
        return events.value_labels(event)[1]


class ClockInline(ReadOnlyMixin, admin.TabularInline):
    model = Clock
    fields = ["label", "state", "target", "unit", "started_at", "due_at", "warning_level", "breached_at", "stopped_at"]
    readonly_fields = ["label"]
    extra = 0

    @admin.display(description=_("time limit"))
    def label(self, clock: Clock) -> str:
        return sla.clock_label(clock.name)


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at", "is_public"]
    extra = 0


def particulars_inline(kind: kinds.Kind) -> type[admin.StackedInline]:
    """A read-only inline of the kind's own model (its one-to-one particulars), made from the registry."""
    relation = WorkOrder._meta.get_field(kind.particulars)
    model = relation.related_model
    # fk_name: the particulars may point at other orders too (a complaint's earlier order, its linked repair).
    attributes = {"model": model, "extra": 0, "fk_name": relation.field.name}
    return type(f"{model.__name__}Inline", (ReadOnlyMixin, admin.StackedInline), attributes)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "sub_type_label",
        "status",
        "priority",
        "grid",
        "department",
        "assigned_to",
        "opened_at",
    ]
    list_filter = ["kind", "status", "channel", "priority"]
    list_select_related = ["grid", "department", "assigned_to"]
    search_fields = ["number", "contact_phone", "account__number"]
    date_hierarchy = "opened_at"
    show_full_result_count = False  # a count of every order on each page is not worth its query
    inlines = [ClockInline, TimelineInline, AttachmentInline]

    @admin.display(description=_("sub-type"), ordering="sub_type")
    def sub_type_label(self, order: WorkOrder) -> str:
        return kinds.sub_type_label(order.kind, order.sub_type)

    def get_inlines(self, request: HttpRequest, obj: WorkOrder | None) -> list[type[admin.options.InlineModelAdmin]]:
        """The kind's particulars first (services.kinds), then what every order has."""
        kind = kinds.of(obj) if obj is not None else None
        own = [particulars_inline(kind)] if kind is not None and kind.particulars else []
        return [*own, *self.inlines]


class SlaPolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "order_kind",
            "sub_type",
            "clock",
            "customer_class",
            "area_type",
            "channel",
            "target",
            "unit",
            "warning_levels",
            "effective_from",
            "effective_to",
            "source",
        ]

    def clean_warning_levels(self) -> list[int]:
        levels = self.cleaned_data["warning_levels"] or []
        if not isinstance(levels, list) or not all(isinstance(p, int) and 0 < p < 100 for p in levels):
            raise ValidationError(_("Give the warning levels as a list of percentages between 1 and 99."))
        if levels != sorted(set(levels)):
            raise ValidationError(_("Give each warning level once, in increasing order."))
        return levels

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("A policy cannot end before it takes effect."))
        if data.get("target") == 0:
            self.add_error("target", _("The time limit must be at least one unit."))
        return data


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = [
        "name",
        "order_kind",
        "clock_label",
        "sub_type_label",
        "area_type",
        "customer_class",
        "channel",
        "target",
        "unit",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["order_kind", "clock", "unit", "area_type"]
    search_fields = ["name", "sub_type", "source"]

    @admin.display(description=_("clock"), ordering="clock")
    def clock_label(self, policy: SlaPolicy) -> str:
        return sla.clock_label(policy.clock)

    @admin.display(description=_("sub-type"), ordering="sub_type")
    def sub_type_label(self, policy: SlaPolicy) -> str:
        return kinds.sub_type_label(policy.order_kind, policy.sub_type) if policy.sub_type else "—"


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["order_kind", "grid", "source_department", "team", "role"]
    list_filter = ["order_kind", "role"]
    list_select_related = ["grid", "source_department", "team"]
    raw_id_fields = ["grid"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "template", "channel", "recipient", "address", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "template"]
    list_select_related = ["recipient"]
    search_fields = ["dedupe_key", "address", "recipient__username"]
    show_full_result_count = False


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["order", "channel", "overall", "department", "assignee", "recorded_at"]
    list_filter = ["channel", "overall"]
    list_select_related = ["order", "department", "assignee"]
