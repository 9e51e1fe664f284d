"""Outlets: business halls (营业厅) and village convenience points (便民服务点), their hours, services and counters."""

from __future__ import annotations

from datetime import time

from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, ServiceGrid, User


class OutletKind(models.TextChoices):
    HALL = "hall", _("Business hall")  # 营业厅: counters, kiosks, the queue
    POINT = "convenience_point", _("Convenience point")  # 便民服务点: a village agent, files requests for villagers


class QueueService(models.Model):
    """A service the hall queue issues tickets for (payment, new connection…), with its ticket prefix."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("ticket prefix"), max_length=1, unique=True, validators=[RegexValidator(r"^[A-Z]$", _("One capital letter."))]
    )
    # Lower is called first when two tickets have waited alike (see outlets.queue.next_ticket).
    priority = models.PositiveSmallIntegerField(_("priority"), default=5, validators=[MinValueValidator(1)])
    typical_minutes = models.PositiveSmallIntegerField(_("typical service minutes"), default=8)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue service")
        verbose_name_plural = _("queue services")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class OutletQuerySet(models.QuerySet["Outlet"]):
    def active(self) -> OutletQuerySet:
        return self.filter(is_active=True)


class Outlet(models.Model):
    """A place where customers are served face to face."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OutletKind.choices, default=OutletKind.HALL)
    department = models.ForeignKey(Department, models.PROTECT, related_name="outlets", verbose_name=_("department"))
    district = models.CharField(_("district or county"), max_length=50, help_text=_("For the finder and planning."))
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    # The 台区 the outlet stands in (a convenience point serves its village's 台区).
    grid = models.ForeignKey(
        ServiceGrid, models.SET_NULL, null=True, blank=True, related_name="outlets", verbose_name=_("service grid")
    )
    services = models.ManyToManyField(QueueService, blank=True, related_name="outlets", verbose_name=_("services"))
    # On national holidays (services.sla's working-day calendar) an outlet is closed unless this is set; then
    # it keeps its Sunday hours.
    opens_on_holidays = models.BooleanField(_("open on public holidays"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridLocation(models.Model):
    """Where a 台区 lies (its transformer, roughly its customers' centre): the finder's and planning's origin."""

    grid = models.OneToOneField(ServiceGrid, models.CASCADE, related_name="location", verbose_name=_("service grid"))
    district = models.CharField(_("district or county"), max_length=50)
    town = models.CharField(_("street or town"), max_length=50, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("service grid location")
        verbose_name_plural = _("service grid locations")
        ordering = ["grid__code"]

    def __str__(self) -> str:
        return f"{self.grid} ({self.district}{self.town})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday; a day may have two (a lunch break between them)."""

    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="hours", verbose_name=_("outlet"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["outlet", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="hours_close_after_open"
            ),
            models.UniqueConstraint(fields=["outlet", "weekday", "opens_at"], name="hours_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class OpeningException(models.Model):
    """A day an outlet keeps other hours than its week's, or is closed (a holiday opening, a renovation)."""

    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="exceptions", verbose_name=_("outlet"))
    day = models.DateField(_("day"))
    is_closed = models.BooleanField(_("closed all day"), default=False)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        ordering = ["outlet", "day"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "day"], name="exception_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(is_closed=True)
                | models.Q(opens_at__isnull=False, closes_at__isnull=False, closes_at__gt=models.F("opens_at")),
                name="exception_closed_or_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet} {self.day}"

    def periods(self) -> list[tuple[time, time]]:
        return [] if self.is_closed or self.opens_at is None else [(self.opens_at, self.closes_at)]  # type: ignore[list-item]


class CounterQuerySet(models.QuerySet["Counter"]):
    def active(self) -> CounterQuerySet:
        return self.filter(is_active=True)


class Counter(models.Model):
    """A counter (窗口) in a hall; the staff member signed in to it calls tickets of the services it serves."""

    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="counters", verbose_name=_("outlet"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=50, blank=True)
    services = models.ManyToManyField(QueueService, related_name="counters", verbose_name=_("services"))
    is_active = models.BooleanField(_("active"), default=True)
    # Who works it now (outlets.actions.sign_in_counter); empty when nobody does.
    staffed_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="counters",
        editable=False,
        verbose_name=_("staffed by"),
    )
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True, editable=False)

    objects = CounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["outlet", "number"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "number"], name="counter_number_unique"),
            # One person works one counter at a time.
            models.UniqueConstraint(
                fields=["staffed_by"], condition=models.Q(staffed_by__isnull=False), name="counter_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.name or _("Counter %(number)s") % {"number": self.number}


class OutletAgent(models.Model):
    """A convenience-point agent's point: the one outlet they file requests from (role convenience_agent)."""

    user = models.OneToOneField(
        User,
        models.CASCADE,
        related_name="outlet_agent",
        limit_choices_to={"role": Role.CONVENIENCE_AGENT},
        verbose_name=_("agent"),
    )
    outlet = models.ForeignKey(Outlet, models.CASCADE, related_name="agents", verbose_name=_("outlet"))
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("convenience-point agent")
        verbose_name_plural = _("convenience-point agents")

    def __str__(self) -> str:
        return f"{self.user} @ {self.outlet}"


def agent_outlet(user: User | AnonymousUser) -> Outlet | None:
    """The point an agent works for, or None for anyone else."""
    if not user.is_authenticated or user.role != Role.CONVENIENCE_AGENT:
        return None
    link = OutletAgent.objects.select_related("outlet").filter(user=user).first()
    return link.outlet if link else None
