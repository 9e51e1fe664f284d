"""The public calculator's form: which province, how many kWh a month, how much of it in the valley hours."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from services.tariffs.models import Tariff


def province_choices() -> list[tuple[str, str]]:
    rows = Tariff.objects.in_effect().values_list("province", "province_name").distinct().order_by("province")
    return list(rows)


class CalculatorForm(PortalFormMixin, forms.Form):
    province = forms.ChoiceField(label=_("Province or city"), choices=province_choices, initial="ZJ")
    monthly_kwh = forms.DecimalField(
        label=_("Electricity used per month (kWh)"), min_value=Decimal(0), max_value=Decimal(100000),
        max_digits=8, decimal_places=1, initial=Decimal(250),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "1"}),
    )  # fmt: skip
    valley_percent = forms.DecimalField(
        label=_("Share used in the valley hours (%)"), min_value=Decimal(0), max_value=Decimal(100),
        max_digits=5, decimal_places=1, initial=Decimal(30),
        help_text=_("At night, roughly 22:00 to 08:00: e.g. charging a car or heating water."),
    )  # fmt: skip


class SwitchForm(PortalFormMixin, forms.Form):
    tariff = forms.CharField(max_length=20, widget=forms.HiddenInput)
