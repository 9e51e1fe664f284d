"""The inspector's forms (checklist, finding), the supervisor's flag review, and the order page's actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import User
from services.forms import ActionForm
from services.inspections import actions
from services.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistResult,
    FindingCategory,
    FlagStatus,
    Inspection,
    LegalBasis,
    Outcome,
    Rule,
    Severity,
    TheftOutcome,
)
from services.inspections.permissions import INSPECTORS
from services.models import Status


class StartForm(ActionForm):
    name, label, roles, style = "start_inspection", _("Start the inspection"), INSPECTORS, "primary"
    from_statuses = frozenset({Status.ASSIGNED})

    def perform(self, by: User) -> object:
        return actions.start_inspection(self.order, by=by)


class CompleteForm(ActionForm):
    name, label, roles, style = "complete_inspection", _("Complete the inspection"), INSPECTORS, "success"
    from_statuses = frozenset({Status.IN_PROGRESS})
    result = forms.CharField(
        label=_("Summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def perform(self, by: User) -> object:
        return actions.complete_inspection(self.order, by=by, result=self.cleaned_data["result"])


INSPECTION_ACTIONS = (StartForm, CompleteForm)


class ChecklistForm(PortalFormMixin, forms.Form):
    """One row per checklist item: the outcome, a note, a photo (fields outcome_<id>, note_<id>, photo_<id>)."""

    def __init__(self, *args: object, inspection: Inspection, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(inspection.checklist.items.all())
        done = {result.item_id: result for result in ChecklistResult.objects.filter(inspection=inspection)}
        for item in self.items:
            previous = done.get(item.pk)
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=previous.outcome if previous else None,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False, initial=previous.note if previous else ""
            )
            self.fields[f"photo_{item.pk}"] = forms.FileField(label=_("Photo"), required=False)

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"outcome_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"]) for item in self.items
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        for item in self.items:
            if cleaned.get(f"outcome_{item.pk}") == Outcome.FAILED and not cleaned.get(f"note_{item.pk}"):
                self.add_error(f"note_{item.pk}", _("Say what failed."))
        return cleaned

    def results(self) -> list[actions.ItemResult]:
        return [
            actions.ItemResult(
                item=item,
                outcome=self.cleaned_data[f"outcome_{item.pk}"],
                note=self.cleaned_data[f"note_{item.pk}"],
                photo=self.cleaned_data.get(f"photo_{item.pk}"),
            )
            for item in self.items
            if self.cleaned_data.get(f"outcome_{item.pk}")
        ]


class FindingForm(PortalFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = forms.CharField(label=_("What was found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    required_action = forms.CharField(
        label=_("What the customer must do"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a hazard or a violation: the rectification notice."),
    )
    due_on = forms.DateField(label=_("Rectify by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.ModelChoiceField(
        label=_("Legal basis"), queryset=LegalBasis.objects.order_by("code"), required=False
    )
    estimated_unbilled_kwh = forms.DecimalField(
        label=_("Estimated unbilled energy (kWh)"),
        max_digits=12,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text=_("For suspected theft."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].label_from_instance = lambda basis: basis.text[:80]

    def finding(self) -> actions.NewFinding:
        data = self.cleaned_data
        return actions.NewFinding(
            category=data["category"],
            severity=data["severity"],
            description=data["description"],
            required_action=data.get("required_action") or "",
            due_on=data.get("due_on"),
            legal_basis=data.get("legal_basis"),
            estimated_unbilled_kwh=data.get("estimated_unbilled_kwh"),
        )


class FlagFilterForm(PortalFormMixin, forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=[("", _("All rules")), *Rule.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *FlagStatus.choices], required=False, initial=FlagStatus.OPEN
    )


class DismissForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is not an anomaly"), max_length=500)


class CloseTheftCaseForm(PortalFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TheftOutcome.choices, widget=forms.RadioSelect)
    recovered_kwh = forms.DecimalField(
        label=_("Energy to recover (kWh)"),
        max_digits=12,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text=_("When theft is confirmed: the energy the customer is to pay back."),
    )
    note = forms.CharField(label=_("Conclusion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OpenInspectionForm(PortalFormMixin, forms.Form):
    checklist = forms.ModelChoiceField(label=_("Checklist"), queryset=Checklist.objects.order_by("pk"))
    note = forms.CharField(label=_("Note for the inspector"), max_length=500, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].label_from_instance = lambda checklist: checklist.name
        self.fields["checklist"].initial = Checklist.objects.order_by("pk").values_list("pk", flat=True).first()
