"""The forms of outage notices: the public lookup, a new notice, a change of time, the publish override."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import ServiceGrid
from services.notices.models import NoticeKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LookupForm(PortalFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Area, street or 台区"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 海门街道")}),
    )


class GridCodesField(forms.CharField):
    """台区 codes separated by spaces or commas, each one that exists."""

    def clean(self, value: str) -> list[ServiceGrid]:
        text = super().clean(value)
        codes = sorted({code for code in text.replace(",", " ").replace("，", " ").split() if code})
        grids = list(ServiceGrid.objects.filter(code__in=codes).order_by("code"))
        missing = sorted(set(codes) - {grid.code for grid in grids})
        if missing:
            raise forms.ValidationError(_("No 台区 has the code %(codes)s.") % {"codes": ", ".join(missing)})
        if not grids:
            raise forms.ValidationError(_("Choose at least one 台区."))
        return grids


class NoticeForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in NoticeKind.choices if c[0] != NoticeKind.FAULT])
    grids = GridCodesField(label=_("台区 codes"), max_length=2000, help_text=_("Separate several with spaces."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Expected end"), widget=DATETIME)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    area = forms.CharField(label=_("Area affected"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeTimesForm(PortalFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Expected end"), widget=DATETIME)


class PublishForm(PortalFormMixin, forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for short notice (department managers only)"), max_length=500, required=False
    )
