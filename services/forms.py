"""The backbone's forms: queue filters, the parts every new request shares, ratings, and staff actions.

Each staff action is a form (ActionForm) that says which roles may take it, from which statuses it is offered,
and which action function it calls. The backbone's own actions (assign, transfer, close, comment, telephone
return visit) apply to every kind; a kind registers its own (services.kinds.Kind.actions). The order page
offers those that apply (`offered_actions`); the page and the API both take them through `actions_for`, the
one table, answering 403 to a role that may not act and 409 when the workflow refuses the move
(services.actions.TransitionRefused).
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import Department, ElectricityAccount, Role, User, phone_validator
from services import actions, kinds, permissions, visits
from services.kinds import CustomerStep
from services.models import (
    QUALITY_CHARACTERISTICS,
    Channel,
    Status,
    VisitChannel,
    WorkOrder,
)
from services.queues import SlaState, Sort

# Who takes which kind of step (the role table in docs/architecture.md follows this).
SUPERVISORS = frozenset({Role.DEPARTMENT_MANAGER, Role.COUNTER_STAFF})
CASE_WORKERS = frozenset({Role.GRID_MANAGER, Role.COUNTER_STAFF, Role.DEPARTMENT_MANAGER})
VISITORS = frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.COMPLAINT_HANDLER})
EVERY_EMPLOYEE = frozenset(Role) - {Role.CUSTOMER}
# Staff who may enter a request taken by phone or at the counter, and convenience-point agents for villagers.
ORDER_TAKERS = frozenset(
    {Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER, Role.REPAIR_CREW, Role.CONVENIENCE_AGENT}
)


def can_enter_orders(user: User | AnonymousUser) -> bool:
    """Staff who take requests by phone or at the counter (the pages' and the API's rule)."""
    return user.is_authenticated and user.role in ORDER_TAKERS


# The channels by which staff enter a request on someone's behalf.
STAFF_CHANNELS = [
    (channel.value, channel.label)
    for channel in (Channel.HOTLINE, Channel.COUNTER, Channel.REGULATOR, Channel.GOVERNMENT, Channel.LETTER)
]
# A convenience-point agent files only as the point (outlets): every request they enter came in there.
AGENT_CHANNELS = [(Channel.CONVENIENCE_POINT.value, Channel.CONVENIENCE_POINT.label)]


def entry_channels(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """The channels `user` may enter a request by."""
    return AGENT_CHANNELS if user.is_authenticated and user.role == Role.CONVENIENCE_AGENT else STAFF_CHANNELS


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", _("Any")), *choices]


class QueueFilterForm(PortalFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, phone or address")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=lambda: _blank(kinds.kind_choices()))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=lambda: _blank(kinds.status_choices()))
    grid = forms.CharField(label=_("Service grid (台区) code"), required=False, max_length=20)
    unit = forms.CharField(label=_("Unit code (and the units below it)"), required=False, max_length=20)
    sla_state = forms.ChoiceField(label=_("Time limit"), required=False, choices=_blank(SlaState.choices))
    sort = forms.ChoiceField(label=_("Order by"), required=False, choices=Sort.choices)

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
        # With the 台区 and its department, which every kind's routing reads of the chosen account.
        self.fields["account"].queryset = user.linked_accounts.select_related("grid__department").order_by("number")


class StaffOrderForm(PortalFormMixin, forms.Form):
    """A request taken by phone or at the counter: the account by its number, or (faults) where it is."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    account = forms.ModelChoiceField(
        label=_("Electricity account number"),
        queryset=ElectricityAccount.objects.select_related("grid__department"),
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No electricity account has this number.")},
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[phone_validator])
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class StepForm(PortalFormMixin, forms.Form):
    """A customer's step (services.steps): a note, if the step asks for one."""

    def __init__(self, *args: object, step: CustomerStep, **kwargs: object) -> None:
        # One step is posted at a time, so its note is plain `note`; the ids keep several steps on one page apart.
        kwargs.setdefault("auto_id", f"id_{step.name}_%s")
        super().__init__(*args, **kwargs)
        self.step = step
        if step.note_label is not None:
            widget = forms.Textarea(attrs={"rows": 2}) if step.note_required else forms.TextInput()
            self.fields["note"] = forms.CharField(
                label=step.note_label, max_length=500, required=step.note_required, widget=widget
            )


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
        """The role may take it, the order is in the user's scope (services.permissions), and on an
        assignee-only action the user is the order's assignee."""
        if not (cls.may_take(user) and permissions.may_act_on(order, user)):
            return False
        return not cls.assignee_only or order.assigned_to_id == user.pk

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        """Whether the order page shows this action: the user's role, the order's kind and its status."""
        if not cls.may_act_on(order, user):
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
        staff = User.objects.filter(is_active=True, is_available=True).exclude(
            role__in=[Role.CUSTOMER, Role.CONVENIENCE_AGENT]
        )
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


class CloseForm(ActionForm):
    name, label, roles, style = "close", _("Close the order"), CASE_WORKERS, "dark"
    from_statuses = frozenset({Status.RESOLVED})
    result = forms.CharField(label=_("Closing result"), max_length=2000, required=False)

    def perform(self, by: User) -> object:
        return actions.close_order(self.order, by=by, result=self.cleaned_data["result"])


class CommentForm(ActionForm):
    name, label, roles, style = "comment", _("Add a comment"), EVERY_EMPLOYEE, "secondary"
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(label=_("Visible to the customer"), required=False)

    @classmethod
    def may_act_on(cls, order: WorkOrder, user: User) -> bool:
        """Any employee may leave an internal note on any order (help across units); see perform()."""
        return cls.may_take(user)

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return cls.may_take(user)

    def perform(self, by: User) -> object:
        # Speaking to the customer is acting on the order: only those whose order it is (services.permissions).
        data = self.cleaned_data
        public = data["is_public"] and permissions.may_act_on(self.order, by)
        return actions.add_comment(self.order, by=by, text=data["text"], public=public)


class PhoneVisitForm(RatingForm, ActionForm):
    name, label, roles, style = "phone_visit", _("Record a telephone return visit"), VISITORS, "secondary"

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        """Where the order's kind is rated (closed, for most; a complaint's answer) and not rated yet."""
        return cls.may_act_on(order, user) and visits.may_be_rated(order)

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


# The backbone's own actions, on every kind: before the kind's actions on the order page, and after them.
LEADING_ACTIONS: tuple[type[ActionForm], ...] = (AssignForm, TransferForm)
TRAILING_ACTIONS: tuple[type[ActionForm], ...] = (CloseForm, CommentForm, PhoneVisitForm)


def actions_for(order: WorkOrder) -> dict[str, type[ActionForm]]:
    """The one table of the staff actions on `order`: the backbone's and its kind's (services.kinds)."""
    kind = kinds.of(order)
    own = kind.actions if kind else ()
    return {form.name: form for form in (*LEADING_ACTIONS, *own, *TRAILING_ACTIONS)}


def _every_action() -> list[type[ActionForm]]:
    return [*LEADING_ACTIONS, *(form for kind in kinds.all_kinds() for form in kind.actions), *TRAILING_ACTIONS]


def action_names() -> list[str]:
    """Every action of every kind, for the API schema's enum."""
    return list(dict.fromkeys(form.name for form in _every_action()))


class ActionNotApplicable(Exception):
    """An action that exists, but not for this order's kind: a 409 on the page and in the API."""

    def __init__(self, order: WorkOrder) -> None:
        self.message = _("This action does not apply to a %(kind)s order.") % {"kind": order.get_kind_display()}
        super().__init__(self.message)


def action_for(order: WorkOrder, name: str, user: User) -> type[ActionForm]:
    """The action `name` on `order` if `user` may take it: the check the page and the API share.

    Unknown action: Http404. A role that may not take it, or an order that is not the user's to act on:
    PermissionDenied (403). An action of another kind: ActionNotApplicable (409).
    """
    own = actions_for(order).get(name)
    candidate = own or _any_action(name)
    if candidate is None:
        raise Http404
    if not candidate.may_take(user):
        raise PermissionDenied
    if own is None:
        raise ActionNotApplicable(order)
    if not own.may_act_on(order, user):
        raise PermissionDenied
    return own


def _any_action(name: str) -> type[ActionForm] | None:
    return next((form for form in _every_action() if form.name == name), None)


def offered_actions(order: WorkOrder, user: User) -> list[ActionForm]:
    """Unbound forms for the actions the order page shows `user` on `order`."""
    return [form(order=order) for form in actions_for(order).values() if form.is_offered(order, user)]
