"""New connections (业扩报装) and changes of use (变更用电): the two kinds' particulars, documents and the account's
history of changes.

A new connection is a WorkOrder of kind `business_application` whose status is its stage (services.connections.
stages holds which stages apply to which type, who works each, and which are the customer's own time); what is
particular to it is `BusinessApplication`, its documents `ApplicationDocument`. A change of use is a WorkOrder of
kind `change_of_use` with `ChangeOfUse`; when it is done its effect on the account is applied and recorded as an
`AccountChange`, the account's history (shown on the account page through accounts.panels).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ElectricityAccount, User, VoltageLevel
from services.models.orders import Attachment, WorkOrder

BUSINESS_APPLICATION = "business_application"  # 业扩报装: new installation or capacity increase
CHANGE_OF_USE = "change_of_use"  # 变更用电


class ConnectionType(models.TextChoices):
    LV_RESIDENTIAL = "lv_residential", _("Low-voltage residential")
    LV_NON_RESIDENTIAL = "lv_non_residential", _("Low-voltage non-residential")
    HV_SINGLE = "hv_single", _("High voltage, single source")
    HV_DUAL = "hv_dual", _("High voltage, dual source")


HIGH_VOLTAGE = frozenset({ConnectionType.HV_SINGLE, ConnectionType.HV_DUAL})


class Purpose(models.TextChoices):
    NEW_INSTALLATION = "new_installation", _("New installation")
    CAPACITY_INCREASE = "capacity_increase", _("Capacity increase")


class Stage(models.TextChoices):
    """The stages of a new connection, stored as the order's status (services.connections.stages)."""

    ACCEPTANCE = "acceptance", _("Application accepted, documents checked")  # with a site survey for low voltage
    SUPPLY_PLAN = "supply_plan", _("Supply plan")  # the company drafts and replies the plan
    DESIGN_REVIEW = "design_review", _("Design review")  # important customers only
    CONSTRUCTION = "construction", _("Customer's construction")  # the customer's time: no company clock runs
    MID_INSPECTION = "mid_inspection", _("Mid-construction inspection")  # important customers only
    FINAL_INSPECTION = "final_inspection", _("Completion inspection")  # with the supply contract and fees
    ENERGISATION = "energisation", _("Meter installation and energisation")


class BusinessApplication(models.Model):
    """What is particular to a new connection or capacity increase."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="business_application", verbose_name=_("work order")
    )
    connection_type = models.CharField(_("application type"), max_length=20, choices=ConnectionType.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    capacity_kva = models.DecimalField(_("capacity applied for (kVA)"), max_digits=10, decimal_places=1)
    # Important customers (hospitals, water works, …) also pass design review and mid-construction inspection.
    is_important = models.BooleanField(_("important customer"), default=False)
    is_delegated = models.BooleanField(_("applied through an agent"), default=False)
    documents_notified_at = models.DateTimeField(_("missing documents told at"), null=True, blank=True)
    design_approved_at = models.DateTimeField(_("design approved at"), null=True, blank=True)
    mid_passed_at = models.DateTimeField(_("mid-construction inspection passed at"), null=True, blank=True)
    fees = models.DecimalField(_("fees"), max_digits=12, decimal_places=2, null=True, blank=True)
    meter_number = models.CharField(_("meter number"), max_length=30, blank=True)
    energised_at = models.DateTimeField(_("energised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("business application")
        verbose_name_plural = _("business applications")
        indexes = [models.Index(fields=["connection_type"], name="connection_type_idx")]

    def __str__(self) -> str:
        return str(self.order)

    @property
    def sub_type_label(self) -> str:
        return f"{self.get_connection_type_display()} · {self.get_purpose_display()}"

    @property
    def is_high_voltage(self) -> bool:
        return self.connection_type in HIGH_VOLTAGE


class DocumentCode(models.TextChoices):
    # The customer's (the checklist of each type: services.connections.documents).
    IDENTITY = "identity", _("Identity proof (ID card or business licence)")
    PROPERTY = "property", _("Property proof (deed, or lease with the owner's consent)")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    AGENT_IDENTITY = "agent_identity", _("Agent's identity proof")
    LOAD_LIST = "load_list", _("List of electrical loads")
    DRAWINGS = "drawings", _("Design drawings")
    # The company's, attached at their stages.
    SUPPLY_PLAN = "supply_plan", _("Supply plan")
    DESIGN_REVIEW = "design_review", _("Design review opinion")
    MID_INSPECTION = "mid_inspection", _("Mid-construction inspection result")
    FINAL_INSPECTION = "final_inspection", _("Completion inspection result")
    CONTRACT = "contract", _("Supply contract")


class Verdict(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    ACCEPTED = "accepted", _("Accepted")
    MISSING = "missing", _("Missing")
    DEFECTIVE = "defective", _("Defective")


class ApplicationDocument(models.Model):
    """One document of an application: a checklist item the customer supplies, or one the company attaches."""

    application = models.ForeignKey(
        BusinessApplication, models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    code = models.CharField(_("document"), max_length=20, choices=DocumentCode.choices)
    is_company = models.BooleanField(_("the company's"), default=False)
    attachment = models.ForeignKey(
        Attachment, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("file")
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # In the one-time notice (一次性告知): the customer was told this item is missing or defective.
    was_notified = models.BooleanField(_("in the one-time notice"), default=False)
    reviewed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["is_company", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], condition=models.Q(is_company=False), name="one_customer_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.code}"


class ChangeType(models.TextChoices):
    """The twelve changes of use (DOMAIN.md section 4); their rules are services.connections.changes."""

    CAPACITY_REDUCTION = "capacity_reduction", _("Capacity reduction")  # 减容
    SUSPENSION = "suspension", _("Suspension")  # 暂停
    TEMPORARY_SWAP = "temporary_swap", _("Temporary transformer swap")  # 暂换
    RELOCATION = "relocation", _("Relocation")  # 迁址
    METER_RELOCATION = "meter_relocation", _("Meter relocation")  # 移表
    TEMPORARY_REMOVAL = "temporary_removal", _("Temporary removal")  # 暂拆
    TRANSFER = "transfer", _("Rename or transfer")  # 更名/过户
    SPLIT = "split", _("Account split")  # 分户
    MERGE = "merge", _("Account merge")  # 并户
    CLOSURE = "closure", _("Close the account")  # 销户
    VOLTAGE_CHANGE = "voltage_change", _("Voltage change")  # 改压
    TARIFF_CHANGE = "tariff_change", _("Tariff-class change")  # 改类


class ChangeOfUse(models.Model):
    """What is particular to a change of use: its type and what it changes, applied when the order is done."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="change_of_use", verbose_name=_("work order")
    )
    change_type = models.CharField(_("change"), max_length=20, choices=ChangeType.choices)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    new_capacity_kva = models.DecimalField(
        _("new capacity (kVA)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    new_voltage_level = models.CharField(
        _("new voltage level"), max_length=10, choices=VoltageLevel.choices, blank=True
    )
    new_tariff_code = models.CharField(_("new tariff code"), max_length=20, blank=True)
    new_holder_name = models.CharField(_("new holder"), max_length=200, blank=True)
    new_address = models.CharField(_("new address"), max_length=200, blank=True)
    other_account = models.ForeignKey(
        ElectricityAccount,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the other account"),
    )
    applied_at = models.DateTimeField(_("applied to the account at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change of use")
        verbose_name_plural = _("changes of use")

    def __str__(self) -> str:
        return str(self.order)

    @property
    def sub_type_label(self) -> str:
        return self.get_change_type_display()


# The history also records what no filing asks for: supply resumed by itself when a suspension or temporary
# removal reached its end date (services.connections.resumption), with the order that suspended it.
RESUMED = "resumed"
HISTORY_TYPES = [*ChangeType.choices, (RESUMED, _("Supply resumed at the end of the period"))]


class AccountChange(models.Model):
    """One change to an electricity account and the order that made it: the account's history.

    `changes` holds {field name: [old value, new value]} as stored codes; pages show their labels
    (services.connections.history).
    """

    account = models.ForeignKey(
        ElectricityAccount, models.CASCADE, related_name="changes", verbose_name=_("electricity account")
    )
    order = models.ForeignKey(
        WorkOrder, models.SET_NULL, null=True, blank=True, related_name="account_changes", verbose_name=_("order")
    )
    change_type = models.CharField(_("change"), max_length=20, choices=HISTORY_TYPES)
    changes = models.JSONField(_("what changed"), default=dict)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "change_type", "start_on"], name="account_change_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.change_type}"
