"""Return visits (回访): the customer's rating of a closed order, overall and on the nine quality characteristics."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from services.models.orders import WorkOrder

# DOMAIN.md section 1: the nine quality characteristics of a service, each rated 1–5 on a return visit.
QUALITY_CHARACTERISTICS = [
    ("legality", _("Legality")),
    ("functionality", _("Functionality")),
    ("accuracy", _("Accuracy")),
    ("reasonableness", _("Reasonableness")),
    ("safety", _("Safety")),
    ("convenience", _("Convenience")),
    ("timeliness", _("Timeliness")),
    ("courtesy", _("Courtesy")),
    ("economy", _("Economy")),
]


class VisitChannel(models.TextChoices):
    WEB = "web", _("Web link")
    PHONE = "phone", _("Telephone return visit")


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class ReturnVisit(models.Model):
    """The one rating of one closed order, credited to the order's department and assignee at closing."""

    order = models.OneToOneField(WorkOrder, models.CASCADE, related_name="return_visit", verbose_name=_("work order"))
    channel = models.CharField(_("channel"), max_length=10, choices=VisitChannel.choices)
    overall = models.PositiveSmallIntegerField(
        _("overall satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    legality = _score(_("Legality"))
    functionality = _score(_("Functionality"))
    accuracy = _score(_("Accuracy"))
    reasonableness = _score(_("Reasonableness"))
    safety = _score(_("Safety"))
    convenience = _score(_("Convenience"))
    timeliness = _score(_("Timeliness"))
    courtesy = _score(_("Courtesy"))
    economy = _score(_("Economy"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    department = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    recorded_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        constraints = [
            models.CheckConstraint(condition=models.Q(overall__gte=1, overall__lte=5), name="visit_overall_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.overall}"
