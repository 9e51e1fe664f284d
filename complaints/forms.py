"""The forms of complaints: filing (a customer's, one entered by staff) and each step of the loop.

Each step is an ActionForm whose roles come from complaints.permissions.STEP_ROLES (the one table) and whose
statuses come from the kinds' transition tables; the backbone's order page and API offer and take them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import Department, ElectricityAccount, User, phone_validator
from complaints import actions, permissions
from complaints.actions import Analysis, Filing, Finding
from complaints.models import (
    COMPLAINT,
    MISCONDUCT_REPORT,
    OPINION,
    PRAISE,
    SUGGESTION,
    ComplaintCategory,
    ComplaintStatus,
    ContactMethod,
    MajorReason,
    RootCause,
)
from complaints.permissions import STEP_ROLES
from services.forms import STAFF_CHANNELS, ActionForm, LinkedAccountField
from services.models import Status, WorkOrder

KIND_CHOICES = [
    (COMPLAINT, _("Complaint")),
    (MISCONDUCT_REPORT, _("Report of misconduct (confidential)")),
    (OPINION, _("Opinion")),
    (SUGGESTION, _("Suggestion")),
    (PRAISE, _("Praise")),
]


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, category: ComplaintCategory) -> str:
        return f"{category.parent.label} · {category.label}" if category.parent_id else category.label


def category_field() -> CategoryField:
    categories = ComplaintCategory.objects.filter(is_active=True).select_related("parent")
    return CategoryField(
        label=_("What it is about"),
        queryset=categories.order_by("position", "code"),
        to_field_name="code",
        required=False,
    )


def staff_number_field(label: Any) -> forms.ModelChoiceField:
    """An employee by their staff number (工号), as customers and handlers know them; optional."""
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.filter(is_active=True).exclude(role="customer").select_related("department"),
        to_field_name="username",
        required=False,
        widget=forms.TextInput(),
        error_messages={"invalid_choice": _("No employee has this staff number.")},
    )


class OrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, order: WorkOrder) -> str:
        return f"{order.number} · {order.get_kind_display()} · {timezone.localtime(order.opened_at):%Y-%m-%d}"


class FilingForm(PortalFormMixin, forms.Form):
    """What every filing shares: the kind, the category, the account, what happened, and whom it praises."""

    kind = forms.ChoiceField(label=_("What you are filing"), choices=KIND_CHOICES, initial=COMPLAINT)
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    credited_department = forms.ModelChoiceField(
        label=_("Praised department"), queryset=Department.objects.order_by("code"), required=False
    )
    credited_employee = staff_number_field(_("Praised employee's staff number (工号)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = category_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == COMPLAINT and not data.get("category"):
            self.add_error("category", _("Choose what the complaint is about."))
        if data.get("kind") == PRAISE and not (data.get("credited_department") or data.get("credited_employee")):
            self.add_error("credited_department", _("Say whom you praise: an employee or a department."))
        return data

    def filing(self, channel: str) -> Filing:
        data = self.cleaned_data
        return Filing(
            kind=data["kind"],
            channel=channel,
            description=data["description"],
            category=data.get("category"),
            account=data.get("account"),
            about_order=data.get("about_order"),
            received_at=data.get("received_at"),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            is_major=bool(data.get("is_major")),
            major_reason=data.get("major_reason", ""),
            credited_department=data.get("credited_department"),
            credited_employee=data.get("credited_employee"),
        )


class CustomerFilingForm(FilingForm):
    """A customer's filing: one of their accounts and, optionally, one of their earlier requests."""

    account = LinkedAccountField(
        label=_("Electricity account"),
        queryset=ElectricityAccount.objects.none(),
        to_field_name="number",
        required=False,
    )
    about_order = OrderChoiceField(
        label=_("The earlier request it is about (optional)"),
        queryset=WorkOrder.objects.none(),
        to_field_name="number",
        required=False,
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=20, validators=[phone_validator], required=False
    )
    field_order = ["kind", "account", "category", "about_order", "description", "contact_phone"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = user.linked_accounts.order_by("number")
        mine = WorkOrder.objects.filter(pk__in=WorkOrder.objects.ids_of_customer(user))
        self.fields["about_order"].queryset = mine.order_by("-opened_at")[:50]
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == COMPLAINT and not data.get("account"):
            self.add_error("account", _("A complaint is about one of your accounts."))
        return data


class StaffFilingForm(FilingForm):
    """A complaint entered by staff: the channel, when the channel received it, the account by number."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("Received at (by the channel)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    account = forms.ModelChoiceField(
        label=_("Electricity account number"),
        queryset=ElectricityAccount.objects.select_related("grid", "customer"),
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No electricity account has this number.")},
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[phone_validator])
    is_major = forms.BooleanField(label=_("Major complaint"), required=False)
    major_reason = forms.ChoiceField(label=_("Why major"), choices=[("", "—"), *MajorReason.choices], required=False)
    field_order = ["kind", "channel", "received_at", "account", "category", "contact_name", "contact_phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("is_major") and not data.get("major_reason"):
            self.add_error("major_reason", _("Say why the complaint is major."))
        return data


# --- The loop's steps -----------------------------------------------------------------------------------


ACCEPTED = {Status.NEW, Status.ASSIGNED}
OPEN_LOOP = {*ACCEPTED, *(status.value for status in ComplaintStatus if status != ComplaintStatus.ASSESSED)}


class LoopStep(ActionForm):
    """A step of the loop: offered where the role, the scope and the status allow it and the kind's table lets
    the order move to the step's `target` (an opinion has no analysis; a complaint no investigation at intake)."""

    target: ClassVar[str | None] = None

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return super().is_offered(order, user) and (cls.target is None or order.can_move_to(cls.target))


class MarkMajorForm(LoopStep):
    name, label, roles = "mark_major", _("Mark as major"), STEP_ROLES["mark_major"]
    from_statuses = frozenset(OPEN_LOOP)
    style = "outline-danger"
    reason = forms.ChoiceField(label=_("Why major"), choices=MajorReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        complaint = getattr(order, "complaint", None)
        return super().is_offered(order, user) and complaint is not None and not complaint.is_major

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.mark_major(self.order, by=by, reason=data["reason"], note=data["note"])


class ContactForm(LoopStep):
    target = ComplaintStatus.CONTACTED
    name, label, roles = "contact", _("Record the contact"), STEP_ROLES["contact"]
    from_statuses = frozenset(ACCEPTED)
    contacted_at = forms.DateTimeField(
        label=_("Contacted at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    method = forms.ChoiceField(label=_("How"), choices=ContactMethod.choices)
    agreement = forms.CharField(label=_("What was agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.record_contact(
            self.order, by=by, method=data["method"], agreement=data["agreement"], at=data["contacted_at"]
        )


class InvestigateForm(LoopStep):
    target = ComplaintStatus.INVESTIGATED
    name, label, roles = "investigate", _("Record the investigation"), STEP_ROLES["investigate"]
    from_statuses = frozenset({ComplaintStatus.CONTACTED, *ACCEPTED})
    facts = forms.CharField(label=_("Facts found"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, by: User) -> object:
        return actions.investigate(self.order, by=by, facts=self.cleaned_data["facts"])


class AnalyseForm(LoopStep):
    target = ComplaintStatus.ANALYSED
    name, label, roles = "analyse", _("Record the analysis"), STEP_ROLES["analyse"]
    from_statuses = frozenset({ComplaintStatus.INVESTIGATED})
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.filter(is_active=True), to_field_name="code"
    )
    is_company_fault = forms.TypedChoiceField(
        label=_("Company at fault"),
        choices=[("yes", _("Yes: the company is responsible")), ("no", _("No: not the company's responsibility"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    responsible_department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.order_by("code"), required=False
    )
    responsible_employee = staff_number_field(_("Responsible employee's staff number (工号)"))
    analysis = forms.CharField(label=_("Analysis"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return order.kind == COMPLAINT and super().is_offered(order, user)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        analysis = Analysis(
            root_cause=data["root_cause"],
            is_company_fault=data["is_company_fault"],
            analysis=data["analysis"],
            responsible_department=data["responsible_department"],
            responsible_employee=data["responsible_employee"],
        )
        return actions.analyse(self.order, by=by, analysis=analysis)


class RectifyForm(LoopStep):
    target = ComplaintStatus.RECTIFIED
    name, label, roles = "rectify", _("Record the rectification"), STEP_ROLES["rectify"]
    from_statuses = frozenset({ComplaintStatus.ANALYSED})
    rectification = forms.CharField(label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    linked_order = forms.ModelChoiceField(
        label=_("Linked work order number (optional)"),
        queryset=WorkOrder.objects.all(),
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No work order has this number.")},
    )

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        complaint = getattr(order, "complaint", None)
        return super().is_offered(order, user) and complaint is not None and complaint.is_company_fault is True

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.rectify(self.order, by=by, rectification=data["rectification"], linked=data["linked_order"])


class VerifyForm(LoopStep):
    target = ComplaintStatus.VERIFIED
    name, label, roles = "verify", _("Approve (verify)"), STEP_ROLES["verify"]
    from_statuses = frozenset({ComplaintStatus.RECTIFIED})
    style = "success"
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    @classmethod
    def may_take(cls, user: User) -> bool:
        return super().may_take(user) and permissions.may_verify(user)

    def perform(self, by: User) -> object:
        return actions.verify(self.order, by=by, note=self.cleaned_data["note"])


class SendBackForm(LoopStep):
    target = ComplaintStatus.INVESTIGATED
    name, label, roles = "send_back", _("Send back"), STEP_ROLES["send_back"]
    from_statuses = frozenset({ComplaintStatus.RECTIFIED})
    style = "outline-secondary"
    note = forms.CharField(label=_("What must be done again"), max_length=2000)

    @classmethod
    def may_take(cls, user: User) -> bool:
        return super().may_take(user) and permissions.may_verify(user)

    def perform(self, by: User) -> object:
        return actions.send_back(self.order, by=by, note=self.cleaned_data["note"])


class AnswerForm(LoopStep):
    target = ComplaintStatus.ANSWERED
    name, label, roles = "answer", _("Answer the customer"), STEP_ROLES["answer"]
    from_statuses = frozenset(
        {*ACCEPTED, ComplaintStatus.INVESTIGATED, ComplaintStatus.ANALYSED, ComplaintStatus.VERIFIED}
    )
    style = "success"
    reply = forms.CharField(label=_("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        # A complaint of the company's responsibility is answered only once verified.
        if not super().is_offered(order, user):
            return False
        complaint = getattr(order, "complaint", None)
        return not (
            order.kind == COMPLAINT
            and complaint is not None
            and complaint.is_company_fault is not False
            and order.status != ComplaintStatus.VERIFIED
        )

    def perform(self, by: User) -> object:
        return actions.answer(self.order, by=by, reply=self.cleaned_data["reply"])


class AssessForm(LoopStep):
    target = ComplaintStatus.ASSESSED
    name, label, roles = "assess", _("Record the assessment"), STEP_ROLES["assess"]
    from_statuses = frozenset({ComplaintStatus.VISITED, ComplaintStatus.ANSWERED})
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.order_by("code"))
    employee = staff_number_field(_("Responsible employee's staff number (工号)"))
    penalty_points = forms.DecimalField(
        label=_("Penalty points"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=1, initial=0
    )
    finding = forms.CharField(label=_("Finding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        complaint = getattr(order, "complaint", None)
        if complaint is not None and complaint.responsible_department_id:
            self.fields["department"].initial = complaint.responsible_department_id

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        finding = Finding(
            department=data["department"],
            finding=data["finding"],
            penalty_points=data["penalty_points"],
            employee=data["employee"],
        )
        return actions.assess(self.order, by=by, finding=finding)


class CloseComplaintForm(LoopStep):
    target = Status.CLOSED
    name, label, roles = "close_complaint", _("Close"), STEP_ROLES["close_complaint"]
    from_statuses = frozenset({ComplaintStatus.VISITED, ComplaintStatus.ASSESSED, ComplaintStatus.ANSWERED})
    style = "dark"
    result = forms.CharField(label=_("Closing note"), max_length=2000, required=False)

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        # A complaint of the company's responsibility closes only once assessed.
        complaint = getattr(order, "complaint", None)
        unassessed = order.kind == COMPLAINT and complaint is not None and complaint.is_company_fault
        return super().is_offered(order, user) and not (unassessed and order.status != ComplaintStatus.ASSESSED)

    def perform(self, by: User) -> object:
        return actions.close_complaint(self.order, by=by, result=self.cleaned_data["result"])


LOOP_STEPS: tuple[type[ActionForm], ...] = (
    MarkMajorForm,
    ContactForm,
    InvestigateForm,
    AnalyseForm,
    RectifyForm,
    VerifyForm,
    SendBackForm,
    AnswerForm,
    AssessForm,
    CloseComplaintForm,
)
