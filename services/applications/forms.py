"""The forms of service applications: a customer's application, one entered by staff, and the case steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from services.applications import actions
from services.applications.models import ServiceApplicationType
from services.forms import CASE_WORKERS, ActionForm, CustomerOrderForm, StaffOrderForm
from services.models import Status


class ServiceApplicationForm(CustomerOrderForm):
    application_type = forms.ChoiceField(label=_("What you need"), choices=ServiceApplicationType.choices)
    field_order = ["account", "application_type", "description", "contact_phone"]

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["contact_phone"].required = False


class StaffServiceApplicationForm(StaffOrderForm):
    application_type = forms.ChoiceField(label=_("Application type"), choices=ServiceApplicationType.choices)
    field_order = ["channel", "application_type", "account", "contact_phone"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].required = True
        del self.fields["contact_name"]  # the account names its holder


class StartWorkForm(ActionForm):
    name, label, roles = "start", _("Start work"), CASE_WORKERS
    from_statuses = frozenset({Status.ASSIGNED})

    def perform(self, by: User) -> object:
        return actions.start_work(self.order, by=by)


class RequestEvidenceForm(ActionForm):
    name, label, roles, style = "request_evidence", _("Ask the customer for evidence"), CASE_WORKERS, "secondary"
    from_statuses = frozenset({Status.IN_PROGRESS})
    note = forms.CharField(label=_("What is needed"), max_length=500)

    def perform(self, by: User) -> object:
        return actions.request_evidence(self.order, by=by, note=self.cleaned_data["note"])


class ReceiveEvidenceForm(ActionForm):
    name, label, roles = "receive_evidence", _("Evidence received"), CASE_WORKERS
    from_statuses = frozenset({Status.WAITING_CUSTOMER})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def perform(self, by: User) -> object:
        return actions.receive_evidence(self.order, by=by, note=self.cleaned_data["note"])


class ResolveForm(ActionForm):
    name, label, roles, style = "resolve", _("Resolve"), CASE_WORKERS, "success"
    from_statuses = frozenset({Status.IN_PROGRESS})
    result = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, by: User) -> object:
        return actions.resolve(self.order, by=by, result=self.cleaned_data["result"])


CASE_STEPS: tuple[type[ActionForm], ...] = (StartWorkForm, RequestEvidenceForm, ReceiveEvidenceForm, ResolveForm)
