from django.contrib import admin

from billing.models import ArrearsRule, Bill, BillRun, Payment, Reconciliation


@admin.register(ArrearsRule)
class ArrearsRuleAdmin(admin.ModelAdmin):
    list_display = ["customer_class", "late_fee_per_day", "notice_days", "disconnect_after_days", "effective_from"]


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ["account", "period", "amount", "due_on", "paid_on"]
    raw_id_fields = ["account", "run"]
    readonly_fields = ["paid_on", "late_fee", "amount", "kwh"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "account", "amount", "channel", "state", "started_at"]
    raw_id_fields = ["account", "bill", "started_by"]
    readonly_fields = ["state", "amount", "finished_at"]


admin.site.register(BillRun)
admin.site.register(Reconciliation)
