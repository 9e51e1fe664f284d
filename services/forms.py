"""The forms of the work-order pages, and the catalogue of staff actions on an order.

Each staff action is a form (ActionForm) that says which roles may take it, on which kinds of order, from
which statuses it is offered, and which action function it calls. The order page offers the actions that
apply (`offered_actions`); the page and the API both take them through `ACTIONS`, answering 403 to a role
that may not act and 409 when the workflow refuses the move (services.actions.TransitionRefused).
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import Department, ElectricityAccount, Role, ServiceGrid, User, phone_validator
from services import actions, applications, repair, visits
from services.models import (
    QUALITY_CHARACTERISTICS,
    Channel,
    FaultType,
    OrderKind,
    ReturnVisit,
    ServiceApplicationType,
    Status,
    VisitChannel,
    WorkOrder,
)
from services.queues import SlaState

# Who takes which kind of step (the role table in docs/architecture.md follows this).
SUPERVISORS = frozenset({Role.DEPARTMENT_MANAGER, Role.COUNTER_STAFF})
CREW = frozenset({Role.REPAIR_CREW})
CASE_WORKERS = frozenset({Role.GRID_MANAGER, Role.COUNTER_STAFF, Role.DEPARTMENT_MANAGER})
VISITORS = frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.COMPLAINT_HANDLER})
EVERY_EMPLOYEE = frozenset(Role) - {Role.CUSTOMER}
# Staff who may enter a request taken by phone or at the counter.
ORDER_TAKERS = frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.REPAIR_CREW})
DISPATCHERS = frozenset({Role.REPAIR_CREW, Role.DEPARTMENT_MANAGER, Role.COUNTER_STAFF})


def can_enter_orders(user: User | AnonymousUser) -> bool:
    """Staff who take requests by phone or at the counter (the pages' and the API's rule)."""
    return user.is_authenticated and user.role in ORDER_TAKERS


def can_dispatch(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in DISPATCHERS


# The channels by which staff enter a request on someone's behalf.
STAFF_CHANNELS = [
    (channel.value, channel.label)
    for channel in (Channel.HOTLINE, Channel.COUNTER, Channel.REGULATOR, Channel.GOVERNMENT, Channel.LETTER)
]


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", _("Any")), *choices]


class QueueFilterForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(OrderKind.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(Status.choices))
    grid = forms.CharField(label=_("Service grid (台区) code"), required=False, max_length=20)
    sla_state = forms.ChoiceField(label=_("Time limit"), required=False, choices=_blank(SlaState.choices))

    def criteria(self) -> dict[str, str]:
        """The filters for services.queues.filter_orders; an invalid form filters nothing."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class LinkedAccountField(forms.ModelChoiceField):
    def label_from_instance(self, account: ElectricityAccount) -> str:
        return f"{account.number} · {account.address}"


class CustomerOrderForm(PortalFormMixin, forms.Form):
    """What a customer gives for any request: which of their accounts, what happened, how to reach them."""

    account = LinkedAccountField(
        label=_("Electricity account"), queryset=ElectricityAccount.objects.none(), to_field_name="number"
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = user.linked_accounts.order_by("number")


class FaultReportForm(CustomerOrderForm):
    fault_type = forms.ChoiceField(label=_("What is wrong"), choices=FaultType.choices)
    field_order = ["account", "fault_type", "description", "contact_phone"]


class ServiceApplicationForm(CustomerOrderForm):
    application_type = forms.ChoiceField(label=_("What you need"), choices=ServiceApplicationType.choices)
    field_order = ["account", "application_type", "description", "contact_phone"]

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["contact_phone"].required = False


class StaffOrderForm(PortalFormMixin, forms.Form):
    """A request taken by phone or at the counter: the account by its number, or (faults) where it is."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    account = forms.ModelChoiceField(
        label=_("Electricity account number"),
        queryset=ElectricityAccount.objects.select_related("grid"),
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No electricity account has this number.")},
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[phone_validator])
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


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


class StaffServiceApplicationForm(StaffOrderForm):
    application_type = forms.ChoiceField(label=_("Application type"), choices=ServiceApplicationType.choices)
    field_order = ["channel", "application_type", "account", "contact_phone"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].required = True
        del self.fields["contact_name"]  # the account names its holder


class ChaseForm(PortalFormMixin, forms.Form):
    note = forms.CharField(label=_("Anything to add"), max_length=500, required=False)


class DisputeForm(PortalFormMixin, forms.Form):
    note = forms.CharField(label=_("What is still wrong"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(PortalFormMixin, forms.Form):
    upload = forms.FileField(label=_("Photo or PDF"))
    is_public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)


def _score_field(label: str, *, required: bool) -> forms.TypedChoiceField:
    scores = [(str(n), str(n)) for n in range(5, 0, -1)]
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=required,
        choices=scores if required else [("", "—"), *scores],
        empty_value=None,
        widget=forms.RadioSelect if required else forms.Select,
    )


class RatingForm(PortalFormMixin, forms.Form):
    """The return visit: overall satisfaction 1–5 and, optionally, each of the nine quality characteristics."""

    overall = _score_field(_("Overall satisfaction (5 is best)"), required=True)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label in QUALITY_CHARACTERISTICS:
            self.fields[name] = _score_field(label, required=False)
        self.order_fields(["overall", *(name for name, _label in QUALITY_CHARACTERISTICS), "comment"])

    def scores(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name]
            for name, _label in QUALITY_CHARACTERISTICS
            if self.cleaned_data.get(name) is not None
        }


# --- Staff actions --------------------------------------------------------------------------------------


class ActionForm(PortalFormMixin, forms.Form):
    """One staff action on an order. Subclasses name it, say who may take it where, and perform it."""

    name: ClassVar[str]
    label: ClassVar[str]
    roles: ClassVar[frozenset[str]]
    kinds: ClassVar[frozenset[str] | None] = None  # None: every kind
    from_statuses: ClassVar[frozenset[str] | None] = None  # None: any open status
    # A crew's steps are its own to report: another crew member seeing the order may not report them.
    assignee_only: ClassVar[bool] = False
    style: ClassVar[str] = "primary"

    def __init__(self, *args: object, order: WorkOrder, **kwargs: object) -> None:
        kwargs.setdefault("prefix", self.name)
        super().__init__(*args, **kwargs)
        self.order = order

    @classmethod
    def may_take(cls, user: User) -> bool:
        return user.is_authenticated and user.role in cls.roles

    @classmethod
    def may_act_on(cls, order: WorkOrder, user: User) -> bool:
        """The role may take it, and on an assignee-only action the user is the order's assignee."""
        return cls.may_take(user) and (not cls.assignee_only or order.assigned_to_id == user.pk)

    @classmethod
    def fits_kind(cls, order: WorkOrder) -> bool:
        return cls.kinds is None or order.kind in cls.kinds

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        """Whether the order page shows this action: the user's role, the order's kind and its status."""
        if not (cls.may_act_on(order, user) and cls.fits_kind(order)):
            return False
        return order.is_open if cls.from_statuses is None else order.status in cls.from_statuses

    def perform(self, by: User) -> object:
        raise NotImplementedError


class AssignForm(ActionForm):
    name, label, roles = "assign", _("Assign"), SUPERVISORS
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: object, order: WorkOrder, **kwargs: object) -> None:
        super().__init__(*args, order=order, **kwargs)
        staff = User.objects.filter(is_active=True, is_available=True).exclude(role=Role.CUSTOMER)
        if order.department_id:
            staff = staff.filter(department__in=Department.objects.subtree_of(order.department))
        self.fields["assignee"].queryset = staff.order_by("full_name", "username")

    def perform(self, by: User) -> object:
        return actions.assign(self.order, self.cleaned_data["assignee"], by=by, note=self.cleaned_data["note"])


class TransferForm(ActionForm):
    name, label, roles, style = "transfer", _("Transfer to another department"), SUPERVISORS, "secondary"
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("code"))
    note = forms.CharField(label=_("Why"), max_length=500)

    def perform(self, by: User) -> object:
        return actions.transfer(self.order, self.cleaned_data["department"], by=by, note=self.cleaned_data["note"])


class AcceptDispatchForm(ActionForm):
    name, label, roles = "accept", _("Accept the dispatch"), CREW
    kinds, from_statuses = frozenset({OrderKind.FAULT_REPAIR}), frozenset({Status.ASSIGNED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return repair.accept_dispatch(self.order, by=by)


class DepartForm(ActionForm):
    name, label, roles = "depart", _("Set off"), CREW
    kinds, from_statuses = frozenset({OrderKind.FAULT_REPAIR}), frozenset({Status.ACCEPTED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return repair.depart(self.order, by=by)


class ArriveForm(ActionForm):
    name, label, roles = "arrive", _("Arrived on site"), CREW
    kinds, from_statuses = frozenset({OrderKind.FAULT_REPAIR}), frozenset({Status.DEPARTED})
    assignee_only = True

    def perform(self, by: User) -> object:
        return repair.arrive(self.order, by=by)


class RestoreForm(ActionForm):
    name, label, roles, style = "restore", _("Power restored"), CREW, "success"
    kinds, from_statuses = frozenset({OrderKind.FAULT_REPAIR}), frozenset({Status.ARRIVED})
    assignee_only = True
    cause = forms.CharField(label=_("Cause of the fault"), max_length=200)

    def perform(self, by: User) -> object:
        return repair.restore(self.order, by=by, cause=self.cleaned_data["cause"])


class UnableForm(ActionForm):
    name, label, roles, style = "unable", _("Cannot complete"), CREW, "warning"
    kinds, from_statuses = frozenset({OrderKind.FAULT_REPAIR}), frozenset({Status.ARRIVED})
    assignee_only = True
    reason = forms.CharField(label=_("Why"), max_length=500)

    def perform(self, by: User) -> object:
        return repair.report_unable(self.order, by=by, reason=self.cleaned_data["reason"])


class StartWorkForm(ActionForm):
    name, label, roles = "start", _("Start work"), CASE_WORKERS
    kinds, from_statuses = frozenset({OrderKind.SERVICE_APPLICATION}), frozenset({Status.ASSIGNED})

    def perform(self, by: User) -> object:
        return applications.start_work(self.order, by=by)


class RequestEvidenceForm(ActionForm):
    name, label, roles, style = "request_evidence", _("Ask the customer for evidence"), CASE_WORKERS, "secondary"
    kinds, from_statuses = frozenset({OrderKind.SERVICE_APPLICATION}), frozenset({Status.IN_PROGRESS})
    note = forms.CharField(label=_("What is needed"), max_length=500)

    def perform(self, by: User) -> object:
        return applications.request_evidence(self.order, by=by, note=self.cleaned_data["note"])


class ReceiveEvidenceForm(ActionForm):
    name, label, roles = "receive_evidence", _("Evidence received"), CASE_WORKERS
    kinds, from_statuses = frozenset({OrderKind.SERVICE_APPLICATION}), frozenset({Status.WAITING_CUSTOMER})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def perform(self, by: User) -> object:
        return applications.receive_evidence(self.order, by=by, note=self.cleaned_data["note"])


class ResolveForm(ActionForm):
    name, label, roles, style = "resolve", _("Resolve"), CASE_WORKERS, "success"
    kinds, from_statuses = frozenset({OrderKind.SERVICE_APPLICATION}), frozenset({Status.IN_PROGRESS})
    result = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, by: User) -> object:
        return applications.resolve(self.order, by=by, result=self.cleaned_data["result"])


class CloseForm(ActionForm):
    name, label, roles, style = "close", _("Close the order"), CASE_WORKERS, "dark"
    from_statuses = frozenset({Status.RESOLVED})
    result = forms.CharField(label=_("Closing result"), max_length=2000, required=False)

    def perform(self, by: User) -> object:
        return repair.close_order(self.order, by=by, result=self.cleaned_data["result"])


class CommentForm(ActionForm):
    name, label, roles, style = "comment", _("Add a comment"), EVERY_EMPLOYEE, "secondary"
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(label=_("Visible to the customer"), required=False)

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return cls.may_take(user)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.add_comment(self.order, by=by, text=data["text"], public=data["is_public"])


class PhoneVisitForm(RatingForm, ActionForm):
    name, label, roles, style = "phone_visit", _("Record a telephone return visit"), VISITORS, "secondary"
    from_statuses = frozenset({Status.CLOSED})

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return super().is_offered(order, user) and not ReturnVisit.objects.filter(order=order).exists()

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return visits.record_return_visit(
            self.order,
            by=by,
            channel=VisitChannel.PHONE,
            overall=data["overall"],
            scores=self.scores(),
            comment=data["comment"],
        )


ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form
    for form in (
        AssignForm,
        TransferForm,
        AcceptDispatchForm,
        DepartForm,
        ArriveForm,
        RestoreForm,
        UnableForm,
        StartWorkForm,
        RequestEvidenceForm,
        ReceiveEvidenceForm,
        ResolveForm,
        CloseForm,
        CommentForm,
        PhoneVisitForm,
    )
}


def offered_actions(order: WorkOrder, user: User) -> list[ActionForm]:
    """Unbound forms for the actions the order page shows `user` on `order`."""
    return [form(order=order) for form in ACTIONS.values() if form.is_offered(order, user)]
