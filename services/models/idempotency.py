"""Retried submissions: the first answer to a POST, kept under its idempotency key (services.idempotency)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One key of one caller: what the request was (its fingerprint) and what it was answered.

    The row is written in the same transaction as the work it guards, so a retry racing the first request waits
    on the unique index until the first commits, then reads its answer; if the first failed, nothing was kept
    and the retry does the work.
    """

    owner = models.CharField(_("owner"), max_length=60)  # "user:<id>"; a kiosk device later: "device:<id>"
    key = models.CharField(_("key"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    response = models.JSONField(_("response"), null=True, encoder=DjangoJSONEncoder)
    location = models.CharField(_("location"), max_length=200, blank=True)  # a page's redirect
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
