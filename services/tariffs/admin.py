"""Tariffs in the admin: reference data, effective-dated rows with their tiers."""

from django.contrib import admin

from services.tariffs.models import Tariff, TariffTier


class TierInline(admin.TabularInline):
    model = TariffTier
    extra = 0


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province_name", "structure", "period", "effective_from", "effective_to"]
    list_filter = ["province", "structure"]
    inlines = [TierInline]
