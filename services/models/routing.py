"""Routing rules: which team gets which kind of order from which 台区 (services.routing applies them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, ServiceGrid
from services import kinds


class RoutingRule(models.Model):
    """Send orders of a kind (from one 台区, or from any 台区 of a department) to a team, to a role in it.

    The most specific matching rule wins: a 台区 rule over a department rule over a kind-wide rule. With no
    rule, an order goes to its 台区's department and customer manager, and a fault to the area's repair team.
    """

    order_kind = models.CharField(_("order kind"), max_length=30, choices=kinds.kind_choices)
    grid = models.ForeignKey(
        ServiceGrid, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service grid")
    )
    source_department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the 台区 of department"),
    )
    team = models.ForeignKey(Department, models.CASCADE, related_name="routing_rules", verbose_name=_("team"))
    role = models.CharField(_("role within the team"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.get_order_kind_display()} → {self.team}"
