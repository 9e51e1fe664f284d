"""The dashboards' forms: setting a target, importing external figures, annotating a control chart's point."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import Department, ServiceGrid, User
from dashboards import registry
from dashboards.board import CONTROL


def measure_choices() -> list[tuple[str, str]]:
    return [(m.code, f"{m.label} ({m.unit_label})") for m in registry.MEASURES.values()]


class TargetForm(PortalFormMixin, forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(label=_("Unit"), queryset=Department.objects.none(), to_field_name="code")
    grid = forms.CharField(
        label=_("Service grid (台区) code"),
        required=False,
        max_length=20,
        help_text=_("Leave blank for the whole unit."),
    )
    value = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, to_field_name="username"
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = units
        self.fields["owner"].queryset = User.objects.filter(department__in=units, is_active=True).order_by("username")
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, object]:
        data = super().clean()
        code, unit = data.get("grid"), data.get("department")
        data["grid"] = None
        if code and unit is not None:
            data["grid"] = ServiceGrid.objects.filter(code=code, department=unit).first()
            if data["grid"] is None:
                self.add_error("grid", _("The unit has no service grid with this code."))
        return data


class ImportForm(PortalFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")) or upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file of at most 5 MB."))
        return upload


class NoteForm(PortalFormMixin, forms.Form):
    measure = forms.ChoiceField(label=_("Chart"), choices=[(code, code) for code in CONTROL])
    week = forms.DateField(label=_("Week"))
    note = forms.CharField(label=_("Note"), max_length=300)
