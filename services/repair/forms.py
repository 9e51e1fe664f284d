"""The forms of fault repair: a customer's report, a report entered by staff, and the crew's steps.

The crew's steps are staff actions (services.forms.ActionForm) registered with the kind; each is the assignee's
own to report (another crew member who can see the order may not report them).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, ServiceGrid, User
from services.forms import ActionForm, CustomerOrderForm, StaffOrderForm
from services.models import Status
from services.repair import actions
from services.repair.models import FaultType, RepairStatus

CREW = frozenset({Role.REPAIR_CREW})


class FaultReportForm(CustomerOrderForm):
    """A customer's report: the account, what is wrong, and optionally where exactly and a photo of it."""

    fault_type = forms.ChoiceField(label=_("What is wrong"), choices=FaultType.choices)
    location = forms.CharField(
        label=_("Where exactly"),
        max_length=200,
        required=False,
        help_text=_("If it is not at the account's address: a street, a landmark, or your phone's location."),
        widget=forms.TextInput(attrs={"data-locate": _("Use my location"), "autocomplete": "off"}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("A photo of the fault helps the crew bring what it needs: JPEG, PNG, WebP or PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf", "capture": "environment"}),
    )
    field_order = ["account", "fault_type", "description", "location", "photo", "contact_phone"]


class StaffFaultReportForm(StaffOrderForm):
    fault_type = forms.ChoiceField(label=_("Fault type"), choices=FaultType.choices)
    grid = forms.ModelChoiceField(
        label=_("Service grid (台区) code"),
        queryset=ServiceGrid.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(),
        help_text=_("Needed when the caller has no account number."),
        error_messages={"invalid_choice": _("No service grid has this code.")},
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    inside_premises = forms.BooleanField(
        label=_("The fault is inside the customer's premises"),
        required=False,
        help_text=_("The customer gets guidance or a paid-service offer; no crew is sent."),
    )
    field_order = ["channel", "fault_type", "account", "grid", "location", "contact_name", "contact_phone"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("account") and not (data.get("grid") and data.get("location")):
            raise ValidationError(_("Give the account number, or the service grid and the location of the fault."))
        return data


class AcceptDispatchForm(ActionForm):
    name, label, roles = "accept", _("Accept the dispatch"), CREW
    from_statuses = frozenset({Status.ASSIGNED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return actions.accept_dispatch(self.order, by=by)


class DepartForm(ActionForm):
    name, label, roles = "depart", _("Set off"), CREW
    from_statuses = frozenset({RepairStatus.ACCEPTED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return actions.depart(self.order, by=by)


class ArriveForm(ActionForm):
    name, label, roles = "arrive", _("Arrived on site"), CREW
    from_statuses = frozenset({RepairStatus.DEPARTED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return actions.arrive(self.order, by=by)


class RestoreForm(ActionForm):
    name, label, roles, style = "restore", _("Power restored"), CREW, "success"
    from_statuses = frozenset({RepairStatus.ARRIVED})
    assignee_only = True
    cause = forms.CharField(label=_("Cause of the fault"), max_length=200)

    def perform(self, by: User) -> object:
        return actions.restore(self.order, by=by, cause=self.cleaned_data["cause"])


class UnableForm(ActionForm):
    name, label, roles, style = "unable", _("Cannot complete"), CREW, "warning"
    from_statuses = frozenset({RepairStatus.ARRIVED})
    assignee_only = True
    reason = forms.CharField(label=_("Why"), max_length=500)

    def perform(self, by: User) -> object:
        return actions.report_unable(self.order, by=by, reason=self.cleaned_data["reason"])


CREW_STEPS: tuple[type[ActionForm], ...] = (AcceptDispatchForm, DepartForm, ArriveForm, RestoreForm, UnableForm)
