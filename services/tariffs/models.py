"""Tariffs (电价) as effective-dated rows per province: tiered residential (annual or monthly thresholds),
time-of-use with its peak hours, flat; each tier with its flat, peak and valley price per kWh.

The defaults for Zhejiang, Shanghai and Beijing (DOMAIN.md section 7) are loaded by migration 0002. An account
names its tariff by code (ElectricityAccount.tariff_code, e.g. ZJ-RES-TOU); the code's first part is the
province.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Structure(models.TextChoices):
    TIERED = "tiered", _("Tiered, one price all day")  # 阶梯电价
    TIERED_TOU = "tiered_tou", _("Tiered, time-of-use")  # 阶梯 + 峰谷
    FLAT = "flat", _("Flat")  # one price per kWh


class ThresholdPeriod(models.TextChoices):
    ANNUAL = "annual", _("Annual")  # tiers count the calendar year's kWh so far
    MONTHLY = "monthly", _("Monthly")  # tiers count each month's kWh


class TariffQuerySet(models.QuerySet["Tariff"]):
    def in_effect(self, on: date | None = None) -> TariffQuerySet:
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on)
        )


class Tariff(models.Model):
    """One tariff of one province, in effect between two dates."""

    code = models.CharField(_("code"), max_length=20, help_text=_("As on the accounts, e.g. ZJ-RES-TOU."))
    province = models.CharField(_("province code"), max_length=4)
    province_name = models.CharField(_("province"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    structure = models.CharField(_("structure"), max_length=12, choices=Structure.choices)
    period = models.CharField(_("tier thresholds"), max_length=8, choices=ThresholdPeriod.choices)
    peak_starts = models.TimeField(_("peak hours start"), null=True, blank=True)
    peak_ends = models.TimeField(_("peak hours end"), null=True, blank=True)
    # Whether a residential customer on another tariff of the province may choose this one.
    is_selectable = models.BooleanField(_("residential customers may choose it"), default=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = TariffQuerySet.as_manager()

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["province", "code", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="one_tariff_per_code_date")]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    @property
    def is_tou(self) -> bool:
        return self.structure == Structure.TIERED_TOU


class TariffTier(models.Model):
    """One tier: up to how many kWh (None: no limit), and its prices in yuan per kWh."""

    tariff = models.ForeignKey(Tariff, models.CASCADE, related_name="tiers")
    number = models.PositiveSmallIntegerField(_("tier"))
    up_to_kwh = models.DecimalField(_("up to (kWh)"), max_digits=10, decimal_places=0, null=True, blank=True)
    price = models.DecimalField(_("price (yuan/kWh)"), max_digits=8, decimal_places=4)
    peak_price = models.DecimalField(_("peak price"), max_digits=8, decimal_places=4, null=True, blank=True)
    valley_price = models.DecimalField(_("valley price"), max_digits=8, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["tariff", "number"]
        constraints = [models.UniqueConstraint(fields=["tariff", "number"], name="one_row_per_tariff_tier")]

    def __str__(self) -> str:
        return f"{self.tariff_id} {self.number}"


class TariffSwitch(models.Model):
    """A customer's request to change tariff, filed as a service application (its order)."""

    order = models.OneToOneField(
        "services.WorkOrder",
        models.CASCADE,
        primary_key=True,
        related_name="tariff_switch",
        verbose_name=_("work order"),
    )
    account = models.ForeignKey("accounts.ElectricityAccount", models.CASCADE, related_name="+")
    from_code = models.CharField(_("from tariff"), max_length=20)
    to_code = models.CharField(_("to tariff"), max_length=20)

    class Meta:
        verbose_name = _("tariff change request")
        verbose_name_plural = _("tariff change requests")

    def __str__(self) -> str:
        return f"{self.account_id} {self.from_code} → {self.to_code}"
