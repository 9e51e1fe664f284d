"""Figures kept per 台区 for the home pages and dashboards, refreshed by services.figures (beat, every 5 min).

Counting a department's customers on every view grew with its accounts (265 ms for a grid manager at 100,000
orders, a distinct count over 72,000 accounts); reading these rows costs the same at any size.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceGrid


class GridFigures(models.Model):
    """How many customers, accounts and open orders one 台区 had when the roll-up last ran."""

    grid = models.OneToOneField(
        ServiceGrid, models.CASCADE, primary_key=True, related_name="figures", verbose_name=_("service grid")
    )
    customers = models.PositiveIntegerField(_("customers"), default=0)
    accounts = models.PositiveIntegerField(_("electricity accounts"), default=0)
    open_orders = models.PositiveIntegerField(_("open work orders"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("service grid figures")
        verbose_name_plural = _("service grid figures")

    def __str__(self) -> str:
        return f"{self.grid_id}: {self.accounts}"
