"""Users and roles, departments, service grids (台区), customers, electricity accounts and meter readings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import identity

account_number_validator = RegexValidator(r"^\d{10}$", _("An account number is exactly 10 digits."), "invalid_number")
phone_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mobile number starting with 1."), "invalid_phone")


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    COUNTER_STAFF = "counter_staff", _("Counter staff")
    GRID_MANAGER = "grid_manager", _("Grid customer manager")
    REPAIR_CREW = "repair_crew", _("Repair crew")
    INSPECTOR = "inspector", _("Inspector")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Runs one village convenience point (outlets.OutletAgent): files requests for villagers, sees only those.
    CONVENIENCE_AGENT = "convenience_agent", _("Convenience-point agent")


# Roles that work for the company; every one of them except the administrator belongs to a department.
STAFF_ROLES = frozenset(Role) - {Role.CUSTOMER}


class DepartmentKind(models.TextChoices):
    MANAGEMENT = "management", _("Company or branch management")
    MARKETING = "marketing", _("Marketing")
    OPERATIONS = "operations", _("Operations and repair")
    CUSTOMER_SERVICE = "customer_service", _("Customer service centre")
    SUPPLY_STATION = "supply_station", _("Local supply station")


class DepartmentQuerySet(models.QuerySet["Department"]):
    def subtree_of(self, department: Department) -> DepartmentQuerySet:
        """The department and everything below it, in one recursive query."""
        table = self.model._meta.db_table
        sql = (
            f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s "
            f"UNION ALL SELECT d.id FROM {table} d JOIN tree ON d.parent_id = tree.id) SELECT id FROM tree"
        )
        return self.filter(id__in=RawSQL(sql, (department.pk,)))


class Department(models.Model):
    """A unit of the company: company → branch or county company → supply station or team."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PortalUserManager(UserManager["User"]):
    def create_superuser(self, username: str, email: str | None = None, password: str | None = None, **extra):  # type: ignore[override]
        extra.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """Anyone who signs in: a customer who registered on the web, or a member of staff with a role."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("department")
    )
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[phone_validator])
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Staff on leave or off shift are skipped when orders are assigned (services.routing).
    is_available = models.BooleanField(_("available for new orders"), default=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="user_phone_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=[Role.CUSTOMER, Role.ADMINISTRATOR]) | models.Q(department__isnull=False),
                name="staff_user_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_employee(self) -> bool:
        return self.role in STAFF_ROLES


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Special remote area")


class ServiceGrid(models.Model):
    """A 台区: the customers behind one distribution transformer, owned by one grid customer manager."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Decides the repair time limits (urban 45 min, rural 90 min, remote 2 h to arrive).
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    department = models.ForeignKey(Department, models.PROTECT, related_name="grids", verbose_name=_("department"))
    manager = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_grids",
        limit_choices_to={"role": Role.GRID_MANAGER},
        verbose_name=_("customer manager"),
    )

    class Meta:
        verbose_name = _("service grid (台区)")
        verbose_name_plural = _("service grids (台区)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class Customer(models.Model):
    """The holder of one or more electricity accounts: a person (ID card) or an organisation (licence)."""

    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The identity number itself is never stored: see accounts.identity.
    id_number_masked = models.CharField(_("identity number"), max_length=18, blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The kiosk's proof: the digest of the number's last six characters (identity.tail_digest). Empty for a
    # number recorded before it existed, until the number is entered again; the card reader's proof still works.
    id_tail_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    def set_identity_number(self, raw: str) -> None:
        """Validate the number for this customer's kind and keep only its digests and masked form."""
        if self.kind == CustomerKind.ORGANISATION:
            number = identity.validate_credit_code(raw)
        else:
            number = identity.validate_id_card(raw)
        self.id_number_masked = identity.mask(number)
        self.id_number_digest = identity.digest(number)
        self.id_tail_digest = identity.tail_digest(number)

    def holds_identity_number(self, candidate: str) -> bool:
        """Whether `candidate` is the whole identity number on file: the proof of holding this customer's
        accounts, for linking one on the web (accounts.actions.link_account) and at a kiosk alike."""
        return identity.matches(self.id_number_digest, candidate)

    def holds_identity_tail(self, candidate: str) -> bool:
        """Whether `candidate` is the last six characters of the identity number on file: with the account
        number, the proof a kiosk asks for (outlets.kiosk.actions.start_session)."""
        return identity.tail_matches(self.id_tail_digest, candidate)


class CustomerClass(models.TextChoices):
    LV_RESIDENTIAL = "lv_residential", _("Low-voltage residential")
    LV_NON_RESIDENTIAL = "lv_non_residential", _("Low-voltage non-residential")
    HIGH_VOLTAGE = "high_voltage", _("High voltage")


class VoltageLevel(models.TextChoices):
    V220 = "220v", _("220 V")
    V380 = "380v", _("380 V")
    KV10 = "10kv", _("10 kV")
    KV20 = "20kv", _("20 kV")
    KV35 = "35kv", _("35 kV")
    KV110 = "110kv", _("110 kV")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # supplied and billed
    SUSPENDED = "suspended", _("Suspended")  # 暂停 or cut for arrears; the account remains
    CLOSED = "closed", pgettext_lazy("account status", "Closed")  # 销户: kept for history only


class Suspension(models.TextChoices):
    """Why a suspended account has no supply: the reason decides what lifts it."""

    ARREARS = "arrears", _("Cut for arrears")  # billing: paying off opens a reconnection application
    REQUEST = "request", _("Suspended at the customer's request")  # 暂停, a change of use
    REMOVAL = "removal", _("Meter temporarily removed")  # 暂拆, a change of use


class ElectricityAccountQuerySet(models.QuerySet["ElectricityAccount"]):
    def visible_to(self, user: User | AnonymousUser) -> ElectricityAccountQuerySet:
        """A customer sees the accounts linked to them; staff see every account; nobody else sees any."""
        if not user.is_authenticated:
            return self.none()
        if user.is_employee:
            return self.all()
        return self.filter(linked_user=user)

    def search(self, query: str) -> ElectricityAccountQuerySet:
        """Digits find accounts by number prefix; anything else finds them by the customer's name."""
        query = query.strip()
        if not query:
            return self
        if query.isdigit():
            return self.filter(number__startswith=query)
        return self.filter(customer__name__icontains=query)


class ElectricityAccount(models.Model):
    """An electricity account (户号): one metered supply point, billed to one customer."""

    number = models.CharField(_("account number"), max_length=10, unique=True, validators=[account_number_validator])
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="accounts", verbose_name=_("customer"))
    address = models.CharField(_("service address"), max_length=200)
    grid = models.ForeignKey(ServiceGrid, models.PROTECT, related_name="accounts", verbose_name=_("service grid"))
    customer_class = models.CharField(_("customer class"), max_length=20, choices=CustomerClass.choices)
    voltage_level = models.CharField(_("voltage level"), max_length=10, choices=VoltageLevel.choices)
    contracted_capacity_kva = models.DecimalField(
        _("contracted capacity (kVA)"), max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )
    tariff_code = models.CharField(_("tariff code"), max_length=20)
    is_important = models.BooleanField(_("important customer"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    # Why a suspended account is suspended (blank for an active or closed one, and for old suspensions).
    suspension = models.CharField(_("suspension reason"), max_length=10, choices=Suspension.choices, blank=True)
    # Billing writes these two; services reads them (a transfer waits for no arrears, repair triage).
    arrears_since = models.DateField(
        _("in arrears since"),
        null=True,
        blank=True,
        help_text=_("The due date of the oldest bill still unpaid; empty when nothing is overdue."),
    )
    is_prepaid = models.BooleanField(_("prepaid (smart meter)"), default=False)  # 费控: pays ahead, holds a balance
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    # The registered web user who proved they hold this account (accounts.actions.link_account).
    linked_user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="linked_accounts", verbose_name=_("linked user")
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    objects = ElectricityAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("electricity account")
        verbose_name_plural = _("electricity accounts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(linked_user__isnull=True, linked_at__isnull=True)
                | models.Q(linked_user__isnull=False, linked_at__isnull=False),
                name="account_link_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class MeterReadingQuerySet(models.QuerySet["MeterReading"]):
    def latest(self, months: int = 12) -> MeterReadingQuerySet:
        """Each account's `months` most recent readings, for any number of accounts in one query."""
        recency = Window(RowNumber(), partition_by=[models.F("account_id")], order_by=models.F("period").desc())
        return self.annotate(recency=recency).filter(recency__lte=months)


class MeterReading(models.Model):
    """One month's metered consumption of an account."""

    account = models.ForeignKey(ElectricityAccount, models.CASCADE, related_name="readings", verbose_name=_("account"))
    period = models.DateField(_("period"), help_text=_("The first day of the month read."))
    total_kwh = models.DecimalField(
        _("total (kWh)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    peak_kwh = models.DecimalField(
        _("peak (kWh)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    valley_kwh = models.DecimalField(
        _("valley (kWh)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    objects = MeterReadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["account", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_reading_per_account_month"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period:%Y-%m}"


class LinkAttempt(models.Model):
    """One try at linking an account: the record behind the throttle on wrong proofs, and an audit trail."""

    user = models.ForeignKey(User, models.CASCADE, related_name="link_attempts")
    account_number = models.CharField(max_length=10)
    succeeded = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("account link attempt")
        verbose_name_plural = _("account link attempts")
        indexes = [
            models.Index(fields=["user", "attempted_at"]),
            models.Index(fields=["account_number", "attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {timezone.localtime(self.attempted_at):%Y-%m-%d %H:%M}"


class RateLimitHit(models.Model):
    """One counted request for a rate limit (accounts.ratelimits): sign-ups and password resets per client
    address, password resets per e-mail address, wrong old passwords per user. Rows in the database, like
    LinkAttempt, so the limits hold across every web process."""

    scope = models.CharField(max_length=30)
    # A digest of the key (an address, an e-mail address, a user id): nothing personal is kept in the clear.
    key = models.CharField(max_length=64)
    hit_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate limit hit")
        verbose_name_plural = _("rate limit hits")
        indexes = [models.Index(fields=["scope", "key", "hit_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {timezone.localtime(self.hit_at):%Y-%m-%d %H:%M}"
