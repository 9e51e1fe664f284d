"""Inspections of customers' electricity use (用电检查): plans, checklists, the inspection's particulars, its
checklist results and findings, rectification notices (整改通知书), theft cases (窃电) and anomaly flags.

An inspection is a WorkOrder of kind `inspection`; `Inspection` is its particulars, one-to-one. Plans, checklists
and legal bases are data an administrator edits; their texts are kept in both languages (`*_zh`, `*_en`) because
they are data, not code, and a page shows the one of the reader's language (`bilingual`).
"""

from __future__ import annotations

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerClass, Department, ElectricityAccount, ServiceGrid, User, VoltageLevel
from services.models.orders import WorkOrder

INSPECTION = "inspection"  # 用电检查: the kind's stored code


def bilingual(zh: str, en: str) -> str:
    """The text of the reader's language: English when the page is English and an English text exists."""
    return en if (get_language() or "").startswith("en") and en else zh


class Checklist(models.Model):
    """A named list of things an inspector checks (safety, seals and wiring, capacity, tariff class, theft…)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class Topic(models.TextChoices):
    SAFETY = "safety", _("Safety of the installation")
    METERING = "metering", _("Meter seals and wiring")
    CAPACITY = "capacity", _("Contracted capacity and actual load")
    TARIFF = "tariff", _("Tariff class and actual use")
    THEFT = "theft", _("Signs of theft or contract violation")
    QUALITY = "quality", _("Reactive power and power quality")


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="items", verbose_name=_("checklist"))
    position = models.PositiveSmallIntegerField(_("position"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "position"], name="one_item_per_position")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return bilingual(self.text_zh, self.text_en)


class InspectionPlan(models.Model):
    """Which accounts are inspected how often, with what checklist, by which department.

    Blank criteria match every account. `interval_months` divides the year into periods (12: the year, 6: halves,
    3: quarters); in each period every matching active account is inspected once, or, with `sample_percent`
    below 100, that share of them chosen by a hash of the account and the period (stable, so reruns agree).
    """

    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices, blank=True)
    voltage_level = models.CharField(_("voltage level"), max_length=10, choices=VoltageLevel.choices, blank=True)
    important_only = models.BooleanField(_("important customers only"), default=False)
    grid = models.ForeignKey(
        ServiceGrid, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service grid")
    )
    department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("Only accounts of service grids of this department; empty: the whole company."),
    )
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), choices=[(3, _("quarter")), (6, _("half year")), (12, _("year"))]
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("sample (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    checklist = models.ForeignKey(Checklist, models.PROTECT, related_name="plans", verbose_name=_("checklist"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)

    def period_of(self, day: date) -> tuple[date, date]:
        """The first and last day of the plan's period containing `day`."""
        first_month = (day.month - 1) // self.interval_months * self.interval_months + 1
        start = date(day.year, first_month, 1)
        end_month = first_month + self.interval_months
        end = date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)


class Origin(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled by a plan")
    ANOMALY = "anomaly", _("Anomaly in the readings")
    REINSPECTION = "reinspection", _("Re-inspection of a rectification")


class Inspection(models.Model):
    """The particulars of an inspection order. (plan, account, period) is unique: generation never duplicates."""

    order = models.OneToOneField(
        WorkOrder, models.CASCADE, primary_key=True, related_name="inspection", verbose_name=_("work order")
    )
    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="+", verbose_name=_("account"))
    origin = models.CharField(_("why"), max_length=20, choices=Origin.choices)
    plan = models.ForeignKey(
        InspectionPlan, models.SET_NULL, null=True, blank=True, related_name="inspections", verbose_name=_("plan")
    )
    period_start = models.DateField(_("period"), null=True, blank=True)
    planned_on = models.DateField(_("planned for"))
    checklist = models.ForeignKey(Checklist, models.PROTECT, related_name="+", verbose_name=_("checklist"))
    rectification = models.ForeignKey(
        "Rectification",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reinspections",
        verbose_name=_("rectification re-inspected"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("completed by")
    )
    has_findings = models.BooleanField(_("findings made"), default=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "account", "period_start"],
                condition=models.Q(plan__isnull=False),
                name="one_inspection_per_plan_account_period",
            ),
        ]
        indexes = [models.Index(fields=["account", "planned_on"], name="inspection_account_idx")]

    def __str__(self) -> str:
        return str(self.order_id)


class Outcome(models.TextChoices):
    PASSED = "passed", _("Pass")
    FAILED = "failed", _("Fail")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistResult(models.Model):
    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="results", verbose_name=_("inspection"))
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+", verbose_name=_("item"))
    outcome = models.CharField(_("result"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ForeignKey(
        "services.Attachment", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("photo")
    )
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}"


class LegalBasis(models.Model):
    """The rule a finding breaks, quoted on the rectification notice (供电营业规则, 电力供应与使用条例…)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return bilingual(self.text_zh, self.text_en)


class FindingCategory(models.TextChoices):
    HAZARD = "hazard", _("Safety hazard")  # a rectification notice follows
    VIOLATION = "violation", _("Contract violation (违约用电)")  # a rectification notice follows
    THEFT = "theft", _("Suspected theft (窃电)")  # a confidential case for the department manager
    OBSERVATION = "observation", _("Observation")  # recorded, nothing follows


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings", verbose_name=_("inspection"))
    category = models.CharField(_("category"), max_length=20, choices=FindingCategory.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("what was found"), max_length=2000)
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_severity_display()})"

    @property
    def is_confidential(self) -> bool:
        return self.category == FindingCategory.THEFT


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")  # the customer is rectifying; a re-inspection order is planned for the due date
    DONE = "done", _("Rectified")  # the re-inspection passed


class Rectification(models.Model):
    """A rectification notice (整改通知书): what the customer must put right, by when, under which rule."""

    finding = models.OneToOneField(Finding, models.CASCADE, related_name="rectification", verbose_name=_("finding"))
    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="+", verbose_name=_("account"))
    required_action = models.TextField(_("what must be done"), max_length=2000)
    due_on = models.DateField(_("rectify by"))
    legal_basis = models.ForeignKey(LegalBasis, models.PROTECT, related_name="+", verbose_name=_("legal basis"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    issued_at = models.DateTimeField(_("issued at"))
    done_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="rectification_due_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.due_on}"


class TheftOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Theft confirmed")
    UNFOUNDED = "unfounded", _("No theft found")


class TheftCase(models.Model):
    """A confidential case of suspected theft (窃电) for the department manager: only inspectors and managers
    see it (services.inspections.permissions)."""

    finding = models.OneToOneField(Finding, models.CASCADE, related_name="theft_case", verbose_name=_("finding"))
    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="+", verbose_name=_("account"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("department"))
    estimated_unbilled_kwh = models.DecimalField(
        _("estimated unbilled energy (kWh)"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)]
    )
    opened_at = models.DateTimeField(_("opened at"))
    # The manager's conclusion (services.inspections.actions.close_theft_case): confirmed with the energy the
    # customer is to pay back, or unfounded with the reason.
    outcome = models.CharField(_("outcome"), max_length=12, choices=TheftOutcome.choices, blank=True)
    recovered_kwh = models.DecimalField(
        _("energy to recover (kWh)"), max_digits=12, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    closing_note = models.TextField(_("conclusion"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )

    class Meta:
        verbose_name = _("theft case")
        verbose_name_plural = _("theft cases")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, outcome="")
                | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="theft_case_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="confirmed") | models.Q(recovered_kwh__gt=0),
                name="theft_confirmed_recovers_energy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.opened_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Rule(models.TextChoices):
    """The anomaly rules of services.inspections.anomalies; thresholds in settings.INSPECTIONS_ANOMALY."""

    NEAR_ZERO = "near_zero", _("Near-zero use after prior use")
    DROP = "drop", _("Sudden drop while the service grid did not drop")
    SPIKE = "spike", _("Spike")
    TOU_SHIFT = "tou_shift", _("Peak/valley split changed")
    OVER_CAPACITY = "over_capacity", _("Use above the contracted capacity")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    DISMISSED = "dismissed", _("Dismissed")
    INSPECTING = "inspecting", _("Inspection opened")


class AnomalyFlag(models.Model):
    """One rule that fired on one account's reading of one month, with the figures behind it."""

    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="+", verbose_name=_("account"))
    period = models.DateField(_("month"))
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    flagged_at = models.DateTimeField(_("flagged at"))
    reviewed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    inspection = models.ForeignKey(
        Inspection, models.SET_NULL, null=True, blank=True, related_name="flags", verbose_name=_("inspection")
    )

    class Meta:
        verbose_name = _("anomaly flag")
        verbose_name_plural = _("anomaly flags")
        ordering = ["-period", "pk"]
        constraints = [models.UniqueConstraint(fields=["account", "period", "rule"], name="one_flag_per_rule_month")]
        indexes = [models.Index(fields=["status", "period"], name="flag_status_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period:%Y-%m} {self.rule}"
