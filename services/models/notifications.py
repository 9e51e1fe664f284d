"""The notification outbox: one row per message, delivered by a task after commit, never twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from services.models.orders import WorkOrder


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    INBOX = "inbox", _("In-app inbox")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Pending")  # waiting for delivery (or for a retry)
    SENT = "sent", _("Sent")  # handed to the gateway, or placed in the inbox
    FAILED = "failed", _("Failed")  # gave up after the last retry


class Notification(models.Model):
    """One message to one recipient on one channel, rendered in the recipient's language at delivery."""

    recipient = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("recipient")
    )
    # Where a recipient has no login (a caller who left a phone number) the message goes to this address.
    address = models.CharField(_("address"), max_length=254, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Rendered at delivery, in `language`: what the recipient actually got.
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    order = models.ForeignKey(
        WorkOrder, models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("work order")
    )
    # The same event never makes the same message twice (e.g. "order:42:sla:arrival:2:supervisor:sms").
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="notification_due_idx"),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id or self.address}"
