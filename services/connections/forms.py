"""The forms of new connections and changes of use: the customer's filings, the document supply, and the staff's
stage steps (services.forms.ActionForm), each allowed only to the roles that work its stage for the order's
application type (services.connections.stages)."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import ElectricityAccount, ServiceGrid, User, VoltageLevel, phone_validator
from services.connections import actions, permissions
from services.connections.documents import CUSTOMER_DOCUMENTS
from services.connections.models import (
    ChangeType,
    ConnectionType,
    DocumentCode,
    Purpose,
    Stage,
    Verdict,
)
from services.connections.stages import INTAKE, PLANS, may_work
from services.forms import CASE_WORKERS, ActionForm, LinkedAccountField
from services.models import Status, WorkOrder

# --- The customer's filings -------------------------------------------------------------------------------


class GridField(forms.ModelChoiceField):
    def label_from_instance(self, grid: ServiceGrid) -> str:
        return grid.name


def document_field(code: str) -> forms.FileField:
    return forms.FileField(label=DocumentCode(code).label, required=False, help_text=_("Photo or PDF"))


class BusinessApplicationForm(PortalFormMixin, forms.Form):
    """A customer's application for a new connection or more capacity, with its documents."""

    connection_type = forms.ChoiceField(label=_("Application type"), choices=ConnectionType.choices)
    purpose = forms.ChoiceField(label=_("What you need"), choices=Purpose.choices)
    account = LinkedAccountField(
        label=_("Electricity account (for a capacity increase)"),
        queryset=ElectricityAccount.objects.none(),
        to_field_name="number",
        required=False,
    )
    grid = GridField(label=_("Area"), queryset=ServiceGrid.objects.order_by("name"), required=False)
    location = forms.CharField(label=_("Address where supply is needed"), max_length=200, required=False)
    applicant_name = forms.CharField(label=_("Applicant (person or organisation)"), max_length=200)
    capacity_kva = forms.DecimalField(label=_("Capacity (kVA)"), min_value=1, max_digits=10, decimal_places=1)
    is_important = forms.BooleanField(label=_("Important customer (hospital, water works, …)"), required=False)
    is_delegated = forms.BooleanField(label=_("I apply through an agent"), required=False)
    description = forms.CharField(
        label=_("Anything else we should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[phone_validator])

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = user.linked_accounts.order_by("number")
        for code in CUSTOMER_DOCUMENTS:
            self.fields[f"document_{code}"] = document_field(code)

    def action_fields(self) -> dict[str, object]:
        """The cleaned data as file_business_application's keywords: the files gathered by document."""
        data = dict(self.cleaned_data)
        given = {code: data.pop(f"document_{code}") for code in CUSTOMER_DOCUMENTS}
        data["documents_given"] = {code: upload for code, upload in given.items() if upload}
        data["description"] = data["description"] or str(Purpose(data["purpose"]).label)
        return data


class ChangeOfUseForm(PortalFormMixin, forms.Form):
    account = LinkedAccountField(
        label=_("Electricity account"), queryset=ElectricityAccount.objects.none(), to_field_name="number"
    )
    change_type = forms.ChoiceField(label=_("Change"), choices=ChangeType.choices)
    start_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(
        label=_("Until (suspension, reduction, removal, swap)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    new_capacity_kva = forms.DecimalField(
        label=_("New capacity (kVA)"), required=False, min_value=0, max_digits=10, decimal_places=1
    )
    new_voltage_level = forms.ChoiceField(
        label=_("New voltage level"), required=False, choices=[("", "—"), *VoltageLevel.choices]
    )
    new_tariff_code = forms.CharField(label=_("New tariff code"), max_length=20, required=False)
    new_holder_name = forms.CharField(label=_("New holder (transfer)"), max_length=200, required=False)
    new_address = forms.CharField(label=_("New address (relocation)"), max_length=200, required=False)
    other_account = LinkedAccountField(
        label=_("The other account (merge)"),
        queryset=ElectricityAccount.objects.none(),
        to_field_name="number",
        required=False,
    )
    description = forms.CharField(
        label=_("Anything else we should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[phone_validator])

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        linked = user.linked_accounts.order_by("number")
        self.fields["account"].queryset = linked
        self.fields["other_account"].queryset = linked


# --- The counter's filings: the same forms, for a customer's account found by its number ---------------------


def account_number_field(label: str, *, user: User, required: bool) -> forms.ModelChoiceField:
    """An account typed by its number, among those in the clerk's scope (services.connections.permissions)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=permissions.accounts_in_scope(user).select_related("grid", "customer"),
        to_field_name="number",
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid_choice": _("No electricity account in your area has this number.")},
    )


class CounterApplicationForm(BusinessApplicationForm):
    """A paper application taken at the counter: the customer's form, with the account by its number and the
    area among the clerk's own; the documents are the clerk's scans of the papers."""

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["account"] = account_number_field(
            _("Electricity account number (for a capacity increase)"), user=user, required=False
        )
        self.fields["grid"].queryset = permissions.grids_in_scope(user).order_by("name")
        self.fields["is_delegated"].label = _("The applicant applies through an agent")
        self.fields["contact_phone"].label = _("Applicant's phone")
        for code in CUSTOMER_DOCUMENTS:
            self.fields[f"document_{code}"].help_text = _("Scan or photo of the paper (PDF or image)")


class CounterChangeForm(ChangeOfUseForm):
    """A change of use asked for at the counter: the customer's form, for an account found by its number."""

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["account"] = account_number_field(_("Electricity account number"), user=user, required=True)
        self.fields["other_account"] = account_number_field(
            _("The other account's number (merge)"), user=user, required=False
        )
        self.fields["contact_phone"].label = _("Customer's phone")


class SupplyDocumentsForm(PortalFormMixin, forms.Form):
    """The documents the one-time notice asked for, one file field each."""

    def __init__(self, *args: object, wanting: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for code in wanting:
            self.fields[code] = forms.FileField(label=DocumentCode(code).label, required=False)

    def files_given(self) -> dict[str, object]:
        return {code: upload for code, upload in self.cleaned_data.items() if upload}


# --- The staff's stage steps -----------------------------------------------------------------------------


def _roles_of(stage: str) -> frozenset[str]:
    return frozenset(role for plan in PLANS.values() for spec in plan if spec.stage == stage for role in spec.roles)


class StageAction(ActionForm):
    """A step of one stage: offered at that stage, to the roles that work it for the order's type."""

    stage: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.roles = _roles_of(cls.stage)
        cls.from_statuses = frozenset({cls.stage})

    @classmethod
    def may_act_on(cls, order: WorkOrder, user: User) -> bool:
        if not super().may_act_on(order, user):
            return False
        application = getattr(order, "business_application", None)
        return application is not None and may_work(application, cls.stage, user.role)


RESULT_CHOICES = [("passed", _("Passed")), ("failed", _("Failed"))]


class ReviewDocumentsForm(StageAction):
    name, label, stage = "review_documents", _("Check the documents"), Stage.ACCEPTANCE

    def __init__(self, *args: object, order: WorkOrder, **kwargs: object) -> None:
        super().__init__(*args, order=order, **kwargs)
        choices = [(v, label) for v, label in Verdict.choices if v != Verdict.PENDING]
        for row in self._pending(order):
            self.fields[f"verdict_{row.code}"] = forms.ChoiceField(label=row.get_code_display(), choices=choices)
            self.fields[f"reason_{row.code}"] = forms.CharField(
                label=_("What is missing or wrong"), max_length=300, required=False
            )

    @staticmethod
    def _pending(order: WorkOrder) -> list:
        application = getattr(order, "business_application", None)
        if application is None:
            return []
        return list(application.documents.filter(is_company=False, verdict=Verdict.PENDING))

    @classmethod
    def is_offered(cls, order: WorkOrder, user: User) -> bool:
        return super().is_offered(order, user) and bool(cls._pending(order))

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        verdicts = {
            name.removeprefix("verdict_"): (value, data.get(f"reason_{name.removeprefix('verdict_')}", ""))
            for name, value in data.items()
            if name.startswith("verdict_")
        }
        return actions.review_documents(self.order, by=by, verdicts=verdicts)


class AcceptForm(StageAction):
    name, label, stage, style = "accept_application", _("Accept the application"), Stage.ACCEPTANCE, "success"
    survey = forms.CharField(label=_("Site survey finding"), max_length=500, required=False)

    def perform(self, by: User) -> object:
        return actions.accept_application(self.order, by=by, survey=self.cleaned_data["survey"])


class SupplyPlanForm(StageAction):
    name, label, stage = "reply_supply_plan", _("Reply the supply plan"), Stage.SUPPLY_PLAN
    plan = forms.FileField(label=_("Supply plan (PDF)"))
    note = forms.CharField(label=_("The plan in brief"), max_length=500)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.reply_supply_plan(self.order, by=by, plan=data["plan"], note=data["note"])


class DesignReviewForm(StageAction):
    name, label, stage = "review_design", _("Record the design review"), Stage.DESIGN_REVIEW
    result = forms.ChoiceField(label=_("Result"), choices=[("passed", _("Approved")), ("failed", _("Returned"))])
    opinion = forms.CharField(label=_("Opinion"), max_length=1000, required=False)
    file = forms.FileField(label=_("Review opinion (PDF)"), required=False)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        approved = data["result"] == "passed"
        return actions.review_design(self.order, by=by, approved=approved, opinion=data["opinion"], file=data["file"])


class MidInspectionForm(StageAction):
    name, label, stage = "record_mid_inspection", _("Record the mid-construction inspection"), Stage.MID_INSPECTION
    result = forms.ChoiceField(label=_("Result"), choices=RESULT_CHOICES)
    defects = forms.CharField(label=_("Defects"), max_length=1000, required=False)
    file = forms.FileField(label=_("Inspection result (PDF)"), required=False)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        passed = data["result"] == "passed"
        return actions.record_mid_inspection(
            self.order, by=by, passed=passed, defects=data["defects"], file=data["file"]
        )


class FinalInspectionForm(StageAction):
    name, label, stage = "record_final_inspection", _("Record the completion inspection"), Stage.FINAL_INSPECTION
    result = forms.ChoiceField(label=_("Result"), choices=RESULT_CHOICES)
    defects = forms.CharField(label=_("Defects"), max_length=1000, required=False)
    file = forms.FileField(label=_("Inspection result (PDF)"), required=False)
    contract = forms.FileField(label=_("Signed supply contract (PDF)"), required=False)
    fees = forms.DecimalField(label=_("Fees (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.record_final_inspection(
            self.order,
            by=by,
            passed=data["result"] == "passed",
            defects=data["defects"],
            file=data["file"],
            contract=data["contract"],
            fees=data["fees"],
        )


class EnergiseForm(StageAction):
    name, label, stage, style = "energise", _("Meter installed, energised"), Stage.ENERGISATION, "success"
    meter_number = forms.CharField(label=_("Meter number"), max_length=30)

    def perform(self, by: User) -> object:
        return actions.energise(self.order, by=by, meter_number=self.cleaned_data["meter_number"])


CUSTOMER_READY = [
    ("design", _("Design submitted for review")),
    ("mid", _("Mid-construction inspection asked for")),
    ("complete", _("Construction complete")),
]


class CustomerReadyForm(ActionForm):
    """What the customer tells the counter about their construction, recorded on their behalf."""

    name, label, roles, style = "customer_ready", _("Record the customer's word"), INTAKE, "secondary"
    from_statuses = frozenset({Stage.CONSTRUCTION})
    step = forms.ChoiceField(label=_("The customer says"), choices=CUSTOMER_READY)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def perform(self, by: User) -> object:
        step = {
            "design": actions.submit_design,
            "mid": actions.request_mid_inspection,
            "complete": actions.report_completion,
        }[self.cleaned_data["step"]]
        return step(self.order, by=by, note=self.cleaned_data["note"])


class CancelApplicationForm(ActionForm):
    name, label, roles, style = "cancel_application", _("Withdraw the application"), INTAKE, "outline-danger"
    from_statuses = frozenset({Stage.ACCEPTANCE, Status.WAITING_CUSTOMER, Stage.CONSTRUCTION})
    reason = forms.CharField(label=_("Why"), max_length=500)

    def perform(self, by: User) -> object:
        return actions.cancel_application(self.order, by=by, reason=self.cleaned_data["reason"])


STAGE_ACTIONS: tuple[type[ActionForm], ...] = (
    ReviewDocumentsForm,
    AcceptForm,
    SupplyPlanForm,
    DesignReviewForm,
    MidInspectionForm,
    FinalInspectionForm,
    EnergiseForm,
    CustomerReadyForm,
    CancelApplicationForm,
)


# --- Changes of use --------------------------------------------------------------------------------------


class StartChangeForm(ActionForm):
    name, label, roles = "start_change", _("Take up the change"), CASE_WORKERS
    from_statuses = frozenset({Status.ASSIGNED})

    def perform(self, by: User) -> object:
        return actions.start_change(self.order, by=by)


class CompleteChangeForm(ActionForm):
    name, label, roles, style = "complete_change", _("Change made"), CASE_WORKERS, "success"
    from_statuses = frozenset({Status.IN_PROGRESS})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def perform(self, by: User) -> object:
        return actions.complete_change(self.order, by=by, note=self.cleaned_data["note"])


CHANGE_ACTIONS: tuple[type[ActionForm], ...] = (StartChangeForm, CompleteChangeForm)
