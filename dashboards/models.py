"""The dashboards' tables: daily figures (the rollup), targets cascaded down the departments, figures imported
from outside the portal, and notes on control-chart points."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, ServiceGrid, User


class Level(models.TextChoices):
    DEPARTMENT = "d", _("Department")  # a unit's own events (the scorecards' targets, a subtree's units)
    SUBTREE = "s", _("Department and the units below it")  # the dashboards read these: a unit's rows, summed
    GRID = "g", _("Service grid")  # the 台区 manager's scorecard
    PERSON = "p", _("Person")  # the staff scorecards


class Grain(models.TextChoices):
    """What a DailyFigure row sums: one day, or the day rows of a whole week or month (so a period reads a few
    rows per department and key rather than one per day)."""

    DAY = "d", _("Day")
    WEEK = "w", _("Week")  # day = its Monday
    MONTH = "m", _("Month")  # day = its first day


class DailyFigure(models.Model):
    """One measure's numerator and denominator for one day and one department (or 台区, or person, or a department
    with every unit below it: level s, which the dashboards read, one unit's rows whatever the size of its subtree).

    Written only by dashboards.rollups (INSERT … SELECT per measure); a ratio is SUM(numerator) / SUM(denominator)
    over any set of rows, so a period and a department subtree add up without reading an order.
    """

    measure = models.CharField(_("measure"), max_length=40)
    # The measure's breakdown (kind|clock, characteristic, category, channel, outlet, hour); blank at grid and
    # person level, where only the total is kept.
    key = models.CharField(_("breakdown"), max_length=80, blank=True)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.DEPARTMENT)
    day = models.DateField(_("day"))
    department = models.ForeignKey(
        Department, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    grid = models.ForeignKey(
        ServiceGrid, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service grid")
    )
    person = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("person"))
    # A week's or a month's row sums its day rows: a year reads twelve rows per department and key, not 365, and a
    # range's edges whole weeks (dashboards.rollups writes all three; dashboards.queries.span_parts chooses among them).
    grain = models.CharField(_("grain"), max_length=1, choices=Grain.choices, default=Grain.DAY)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [
            # The dashboards and scorecards: one level, one grain, the measures asked for, a period's days; covering, so
            # each part of a period (its months, weeks or days) is read from the index alone (queries.summed).
            models.Index(
                fields=["level", "grain", "measure", "day"],
                include=["key", "department", "grid", "person", "numerator", "denominator"],
                name="figure_measure_cover_idx",
            ),
            # The same for a subtree's units (a 供电所 reads its own rows, not the company's to filter them).
            models.Index(
                fields=["department", "level", "grain", "day"],
                include=["measure", "key", "grid", "person", "numerator", "denominator"],
                name="figure_unit_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.key} {self.day}"


SLOTS = 6  # the scorecards' measures in one MemberSums row (dashboards.scorecards.GRID_MEASURES, STAFF_MEASURES)
SLOT_COLUMNS = tuple(f"{x}{i}" for i in range(SLOTS) for x in "nd")  # n0, d0, n1, d1, …: each measure's sums in turn


class MemberSums(models.Model):
    """One 台区's (level g) or one person's (level p) scorecard sums for a day, a week or a month, every measure of
    the scorecard in one row: slot i holds the numerator and denominator of the i-th of scorecards.GRID_MEASURES or
    STAFF_MEASURES. A range is ranked from these, one row per member and part of the range, not one per member,
    part and measure: 11,000 rows rather than 30,000 for the company's 2,000 台区 over 90 days (bench/README.md).

    Written only by dashboards.rollups, from the DailyFigure rows it has just written; sums as binary floating
    point, read back to the cent (dashboards.queries.summed says why that is exact)."""

    level = models.CharField(_("level"), max_length=1, choices=Level.choices)
    grain = models.CharField(_("grain"), max_length=1, choices=Grain.choices)
    day = models.DateField(_("day"))
    # Derived from DailyFigure rows, whose keys the database checks; checking them again cost a rebuild a second
    # a month of days. Deleting a unit, a 台区 or a person still deletes its rows (Django's CASCADE).
    department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("department"),
    )
    grid = models.ForeignKey(
        ServiceGrid,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("service grid"),
    )
    person = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="+", db_constraint=False, verbose_name=_("person")
    )
    n0, d0 = models.FloatField(default=0), models.FloatField(default=0)
    n1, d1 = models.FloatField(default=0), models.FloatField(default=0)
    n2, d2 = models.FloatField(default=0), models.FloatField(default=0)
    n3, d3 = models.FloatField(default=0), models.FloatField(default=0)
    n4, d4 = models.FloatField(default=0), models.FloatField(default=0)
    n5, d5 = models.FloatField(default=0), models.FloatField(default=0)

    class Meta:
        verbose_name = _("member sums")
        verbose_name_plural = _("member sums")
        # Covering, so a range's parts are read from the index alone whatever order a rebuild left the rows in (with
        # an index on the three keys only, the 90-day ranking read the heap and slowed by a third after a rebuild).
        indexes = [
            models.Index(
                fields=["level", "grain", "day"],
                include=["department", "grid", "person", *SLOT_COLUMNS],
                name="member_sums_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.grain} {self.day}"


class SummedTree(models.Model):
    """The unit tree the subtree rows (DailyFigure level s) were last summed over, as each unit's parent: when a
    unit is added, moved or removed, the rollup's next run sees another tree and sums every subtree row again."""

    parents = models.TextField(_("units and their parents"))
    summed_at = models.DateTimeField(_("summed at"), auto_now=True)

    class Meta:
        verbose_name = _("summed unit tree")
        verbose_name_plural = _("summed unit trees")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.summed_at):%Y-%m-%d %H:%M}"


class Score(models.Model):
    """One 台区's (or one person's) scorecard for a week, month, quarter or year, with its score: the ranking.

    Written only by dashboards.scorecards.write_scores (the rollup, after the daily figures it is computed
    from, and after an import of external figures), so the scorecards page reads its first rows in rank
    order from the index instead of scoring every 台区 of the city on each request. The figures are the card's
    own as they stood when scored, so a row shows the figures its score came from.
    """

    level = models.CharField(_("level"), max_length=1, choices=Level.choices)
    period = models.CharField(_("period"), max_length=7)  # "week", "month", "quarter" or "year" (dashboards.periods)
    start = models.DateField(_("first day"))
    grid = models.ForeignKey(
        ServiceGrid, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service grid")
    )
    person = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("person"))
    # The 台区's or the person's unit when scored: a manager's ranking is the rows of their subtree.
    department = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("department"))
    code = models.CharField(_("code"), max_length=150)  # 台区 code or username: the order among equal scores
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    figures = models.JSONField(_("figures"), default=dict)  # measure → the figure as text, or null

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        indexes = [models.Index(fields=["level", "period", "start", "-score", "code"], name="score_rank_idx")]
        constraints = [
            models.UniqueConstraint(fields=["level", "period", "start", "grid"], name="one_grid_score"),
            models.UniqueConstraint(fields=["level", "period", "start", "person"], name="one_person_score"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period} {self.start}: {self.score}"


class LateOrders(models.Model):
    """How many open orders of one kind, held by one unit, were past a running clock's deadline when last counted
    (dashboards.late, beat every five minutes): the dashboard's "still open and late" reads these rows instead of
    counting among the city's open orders on every view (35 ms for the company at 25,000 late orders)."""

    department = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("department"))
    kind = models.CharField(_("kind"), max_length=40)
    orders = models.PositiveIntegerField(_("orders"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("late orders")
        verbose_name_plural = _("late orders")
        constraints = [models.UniqueConstraint(fields=["department", "kind"], name="one_late_count")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.orders}"


class Target(models.Model):
    """An annual target (方针目标) of one measure for one department or one 台区, with its owner."""

    measure = models.CharField(_("measure"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("department"))
    grid = models.ForeignKey(
        ServiceGrid, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service grid")
    )
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    owner = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner"))
    set_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "measure", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year", "department"], condition=models.Q(grid=None), name="one_department_target"
            ),
            models.UniqueConstraint(fields=["measure", "year", "grid"], name="one_grid_target"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}: {self.value}"


class ExternalMeasure(models.TextChoices):
    DATA_COLLECTION = "data_collection", _("Data collection rate")  # 采集成功率, ≥ 99.92 %
    LINE_LOSS = "line_loss", _("Line-loss compliance")  # 线损达标率, ≥ 96 %
    FEE_RECOVERY = "fee_recovery", _("Fee recovery")  # 电费回收率, 100 %


class ExternalFigure(models.Model):
    """A monthly figure of one 台区 from outside the portal (metering, line loss, billing), imported."""

    grid = models.ForeignKey(ServiceGrid, models.CASCADE, related_name="+", verbose_name=_("service grid"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    measure = models.CharField(_("measure"), max_length=20, choices=ExternalMeasure.choices)
    value = models.DecimalField(_("value (%)"), max_digits=6, decimal_places=2)
    imported_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("external figure")
        verbose_name_plural = _("external figures")
        constraints = [models.UniqueConstraint(fields=["grid", "month", "measure"], name="one_external_figure")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}: {self.value}"


class ChartNote(models.Model):
    """A manager's note on one week's point of a control chart (why it is outside its limits)."""

    measure = models.CharField(_("measure"), max_length=40)
    week = models.DateField(_("week"), help_text=_("The Monday of the week."))
    department = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("department"))
    note = models.CharField(_("note"), max_length=300)
    by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("chart note")
        verbose_name_plural = _("chart notes")
        constraints = [models.UniqueConstraint(fields=["measure", "week", "department"], name="one_note_per_point")]

    def __str__(self) -> str:
        return self.note
