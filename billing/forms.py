from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin


class AmountForm(PortalFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
