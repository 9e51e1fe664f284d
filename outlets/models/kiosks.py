"""Self-service kiosks: the devices, their health, the customers' short sessions at them and their request log.

A kiosk authenticates as a device (outlets.kiosk.auth), never as a person: its credential is `key_id` (public,
looked up by index) and a random secret of which only the SHA-256 digest is kept; the secret is shown once, when
the kiosk is registered or its secret rotated. A revoked kiosk's requests answer 401. What a kiosk files is
filed by its `actor`, a user of its own that cannot sign in and is never assigned work, so the timeline says
which kiosk it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer, User
from outlets.models.outlets import Outlet

# A kiosk beats every minute; silent this long, it is offline and the outlet's staff are told (once).
SILENT_AFTER = timedelta(minutes=5)


class DeviceHealth(models.TextChoices):
    OK = "ok", _("OK")
    LOW = "low", _("Low")  # paper running out
    EMPTY = "empty", _("Empty")  # no paper
    FAULT = "fault", _("Fault")
    UNKNOWN = "unknown", _("Not reported")


class KioskQuerySet(models.QuerySet["Kiosk"]):
    def in_service(self) -> KioskQuerySet:
        return self.filter(revoked_at__isnull=True)

    def silent(self, now: datetime) -> KioskQuerySet:
        """Kiosks in service that have not beaten for SILENT_AFTER (or never did, once registered that long)."""
        return self.in_service().filter(silent_at(now))


def silent_at(now: datetime) -> models.Q:
    """The condition of a kiosk's silence at `now`, for a filter or a count's FILTER."""
    since = now - SILENT_AFTER
    return models.Q(last_seen_at__lt=since) | models.Q(last_seen_at__isnull=True, registered_at__lt=since)


class Kiosk(models.Model):
    """One self-service kiosk standing in an outlet."""

    outlet = models.ForeignKey(Outlet, models.PROTECT, related_name="kiosks", verbose_name=_("outlet"))
    name = models.CharField(_("name"), max_length=50)
    key_id = models.CharField(_("key id"), max_length=16, unique=True, editable=False)
    secret_digest = models.CharField(max_length=64, editable=False)
    actor = models.OneToOneField(User, models.PROTECT, related_name="kiosk", editable=False)
    registered_at = models.DateTimeField(_("registered at"), editable=False)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    # The latest heartbeat and the health it reported.
    last_seen_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True, editable=False)
    printer = models.CharField(_("printer"), max_length=10, choices=DeviceHealth.choices, default=DeviceHealth.UNKNOWN)
    paper = models.CharField(_("paper"), max_length=10, choices=DeviceHealth.choices, default=DeviceHealth.UNKNOWN)
    card_reader = models.CharField(
        _("card reader"), max_length=10, choices=DeviceHealth.choices, default=DeviceHealth.UNKNOWN
    )
    software_version = models.CharField(_("software version"), max_length=40, blank=True)
    # When the current silence was reported to the outlet's staff; the next heartbeat clears it.
    silence_reported_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = KioskQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["outlet", "name"]
        constraints = [models.UniqueConstraint(fields=["outlet", "name"], name="kiosk_name_unique_per_outlet")]

    def __str__(self) -> str:
        return f"{self.outlet} {self.name}"

    def state(self, now: datetime | None = None) -> str:
        """revoked, offline (silent SILENT_AFTER), attention (a device needs a hand) or online."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.last_seen_at is None or self.last_seen_at < now - SILENT_AFTER:
            return "offline"
        if {self.printer, self.paper, self.card_reader} - {DeviceHealth.OK}:
            return "attention"
        return "online"


class ProofMethod(models.TextChoices):
    ACCOUNT = "account", _("Account number and the identity number's last six")
    ID_CARD = "id_card", _("Identity card read by the card reader")


class KioskSession(models.Model):
    """A customer's few minutes at a kiosk after they proved who they are; ended by the kiosk's logout."""

    kiosk = models.ForeignKey(Kiosk, models.CASCADE, related_name="sessions", verbose_name=_("kiosk"))
    customer = models.ForeignKey(Customer, models.CASCADE, related_name="+", verbose_name=_("customer"))
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    method = models.CharField(_("proof"), max_length=10, choices=ProofMethod.choices)
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk session")
        verbose_name_plural = _("kiosk sessions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kiosk_id}:{self.started_at:%Y-%m-%d %H:%M}"


class ProofAttempt(models.Model):
    """One proof offered at a kiosk: the throttle's record (per kiosk, per account) and the audit trail.

    Never the proof itself: an account number (or nothing, for a card) and whether it matched.
    """

    kiosk = models.ForeignKey(Kiosk, models.CASCADE, related_name="proof_attempts", verbose_name=_("kiosk"))
    account_number = models.CharField(_("account number"), max_length=10, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    attempted_at = models.DateTimeField(_("attempted at"))

    class Meta:
        verbose_name = _("kiosk proof attempt")
        verbose_name_plural = _("kiosk proof attempts")
        ordering = ["-attempted_at"]
        indexes = [
            models.Index(fields=["kiosk", "attempted_at"], name="proof_kiosk_time"),
            models.Index(fields=["account_number", "attempted_at"], name="proof_account_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kiosk_id}:{self.account_number or '-'}:{self.succeeded}"


class KioskRequest(models.Model):
    """Every request a kiosk makes (or something claiming to be one): device, outlet, endpoint and outcome.

    Never the body: no identity number, proof or description is logged (tests/outlets/test_kiosk_log.py).
    """

    kiosk = models.ForeignKey(
        Kiosk, models.SET_NULL, null=True, blank=True, related_name="requests", verbose_name=_("kiosk")
    )
    outlet = models.ForeignKey(
        Outlet, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("outlet")
    )
    method = models.CharField(_("method"), max_length=10)
    endpoint = models.CharField(_("endpoint"), max_length=60)  # the URL's name, not its path
    status_code = models.PositiveSmallIntegerField(_("status"))
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("kiosk request")
        verbose_name_plural = _("kiosk requests")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kiosk", "at"], name="kiosk_request_time")]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.status_code}"


# The kiosks' outbox message must be known to every process that renders messages (web inbox, worker).
import outlets.kiosk.alerts  # noqa: E402, F401
