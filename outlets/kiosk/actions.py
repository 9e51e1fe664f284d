"""Every change a kiosk makes or undergoes: registration, secrets, heartbeats, the customer's proof and session.

Registration and rotation return the secret once; only its digest is stored. A proof is checked against the
customer's stored digests (accounts.identity) and throttled per kiosk and per account like linking on the web
(accounts.actions.link_account): under a row lock on the kiosk, failures counted in a window, the attempt
recorded whatever its outcome, and an unknown account answered like a wrong proof.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import identity
from accounts.models import Customer, ElectricityAccount, Role, User
from outlets.models import DeviceHealth, Kiosk, KioskRequest, KioskSession, Outlet, ProofAttempt, ProofMethod


class ProofRefused(Exception):
    """The proof did not match, or too many wrong ones were offered: nothing of the customer is shown."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message, self.throttled = message, throttled


@dataclass(frozen=True)
class Credential:
    """What a kiosk sends in `Authorization: Kiosk <key>`, shown once: `key_id.secret`."""

    kiosk: Kiosk
    key: str


def digest(secret: str) -> str:
    """SHA-256 of a random 256-bit secret or token: no slow hash is needed for what cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(kiosk: Kiosk, secret: str) -> bool:
    return hmac.compare_digest(kiosk.secret_digest, digest(secret))


def register_kiosk(*, outlet: Outlet, name: str, by: User | None) -> Credential:
    """Register a kiosk in `outlet` with a new secret and an actor of its own; return the credential, once."""
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with transaction.atomic():
        # The actor files the kiosk's requests: counter staff of the outlet's department by role, never
        # active (it cannot sign in, receives nothing) and never available (routing never assigns it work).
        actor = User.objects.create(
            username=f"kiosk-{key_id}",
            full_name=_("Kiosk %(name)s, %(outlet)s") % {"name": name, "outlet": outlet.name},
            password=make_password(None),
            role=Role.COUNTER_STAFF,
            department_id=outlet.department_id,
            is_active=False,
            is_available=False,
        )
        kiosk = Kiosk.objects.create(
            outlet=outlet,
            name=name,
            key_id=key_id,
            secret_digest=digest(secret),
            actor=actor,
            registered_at=timezone.now(),
        )
    return Credential(kiosk, f"{key_id}.{secret}")


@transaction.atomic
def rotate_secret(kiosk: Kiosk, *, by: User | None) -> Credential:
    """Give the kiosk a new secret (the old one stops working at once) and end its customers' sessions."""
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    secret = secrets.token_urlsafe(32)
    kiosk.secret_digest, kiosk.secret_rotated_at = digest(secret), timezone.now()
    kiosk.save(update_fields=["secret_digest", "secret_rotated_at"])
    _end_sessions(kiosk)
    return Credential(kiosk, f"{kiosk.key_id}.{secret}")


@transaction.atomic
def revoke_kiosk(kiosk: Kiosk, *, by: User | None) -> Kiosk:
    """Take the kiosk out of service for good: its requests answer 401 from now on; its sessions end."""
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = timezone.now()
        kiosk.save(update_fields=["revoked_at"])
        _end_sessions(kiosk)
    return kiosk


def _end_sessions(kiosk: Kiosk) -> None:
    KioskSession.objects.filter(kiosk=kiosk, ended_at__isnull=True).update(ended_at=timezone.now())


def record_heartbeat(kiosk: Kiosk, *, printer: str, paper: str, card_reader: str, software_version: str = "") -> None:
    """Note that the kiosk is alive and how its devices are; a silence reported before is over."""
    Kiosk.objects.filter(pk=kiosk.pk).update(
        last_seen_at=timezone.now(),
        printer=printer,
        paper=paper,
        card_reader=card_reader,
        software_version=software_version,
        silence_reported_at=None,
    )


def devices_need_attention(kiosk: Kiosk) -> bool:
    return bool({kiosk.printer, kiosk.paper, kiosk.card_reader} - {DeviceHealth.OK})


# --- The customer's proof and session ---------------------------------------------------------------------


def start_session(
    kiosk: Kiosk, *, account_number: str = "", id_tail: str = "", id_number: str = ""
) -> tuple[KioskSession, str]:
    """Check the customer's proof at `kiosk` and open a session for them; return it and its token (once).

    The proof is the account number with the last six characters of the holder's identity number, or the whole
    identity number read from the card. Raises ProofRefused, having recorded the attempt, when it does not
    match, or without checking it when too many wrong proofs were offered lately at this kiosk or for this
    account.
    """
    with transaction.atomic():
        # The kiosk's row is the lock that makes the limits hold under parallel requests (cf. link_account).
        Kiosk.objects.select_for_update().filter(pk=kiosk.pk).values_list("pk", flat=True).get()
        _throttle(kiosk, account_number)
        customer = _proven_customer(account_number=account_number, id_tail=id_tail, id_number=id_number)
        now = timezone.now()
        ProofAttempt.objects.create(
            kiosk=kiosk, account_number=account_number, succeeded=customer is not None, attempted_at=now
        )
        if customer is not None:
            token = secrets.token_urlsafe(32)
            session = KioskSession.objects.create(
                kiosk=kiosk,
                customer=customer,
                token_digest=digest(token),
                method=ProofMethod.ID_CARD if id_number else ProofMethod.ACCOUNT,
                started_at=now,
                expires_at=now + settings.KIOSK_SESSION_LENGTH,
            )
            return session, token
    raise ProofRefused(_("The account number and the identity number do not match our records."))


def _throttle(kiosk: Kiosk, account_number: str) -> None:
    since = timezone.now() - settings.KIOSK_PROOF_WINDOW
    at_kiosk, for_account = Q(kiosk=kiosk), Q(account_number=account_number)
    # Both counts in one query (each condition has its index); a card's proof names no account.
    failed = ProofAttempt.objects.filter(
        at_kiosk | for_account if account_number else at_kiosk, succeeded=False, attempted_at__gte=since
    ).aggregate(at_kiosk=Count("pk", filter=at_kiosk), for_account=Count("pk", filter=for_account))
    too_many = failed["at_kiosk"] >= settings.KIOSK_PROOF_KIOSK_LIMIT or (
        account_number and failed["for_account"] >= settings.KIOSK_PROOF_ACCOUNT_LIMIT
    )
    if too_many:
        minutes = int(settings.KIOSK_PROOF_WINDOW.total_seconds() // 60)
        raise ProofRefused(
            _("Too many wrong attempts. Please try again in %(minutes)d minutes or ask at the counter.")
            % {"minutes": minutes},
            throttled=True,
        )


def _proven_customer(*, account_number: str, id_tail: str, id_number: str) -> Customer | None:
    if id_number:
        if not identity.normalize(id_number):
            return None
        return Customer.objects.filter(id_number_digest=identity.digest(id_number)).first()
    account = ElectricityAccount.objects.select_related("customer").filter(number=account_number).first()
    if account is None or not account.customer.holds_identity_tail(id_tail):
        return None
    return account.customer


def end_session(session: KioskSession) -> None:
    """End the customer's session (the kiosk's logout, or its timer): the token stops working at once."""
    KioskSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=timezone.now())


# Sessions and proof attempts are kept a day (the throttle looks back KIOSK_PROOF_WINDOW), the request log 90 days.
RECORDS_KEPT = timedelta(days=1)
LOG_KEPT = timedelta(days=90)


def purge_old_records() -> int:
    """Delete sessions and proof attempts older than a day and request log rows older than 90 days."""
    now = timezone.now()
    deleted = KioskSession.objects.filter(expires_at__lt=now - RECORDS_KEPT).delete()[0]
    deleted += ProofAttempt.objects.filter(attempted_at__lt=now - RECORDS_KEPT).delete()[0]
    deleted += KioskRequest.objects.filter(at__lt=now - LOG_KEPT).delete()[0]
    return deleted
