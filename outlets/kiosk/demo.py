"""The demo's kiosks: two in each business hall, with keys anyone can read (demo only) and recent heartbeats.

Deterministic and re-runnable: a hall that has kiosks keeps them. The keys are `demo<outlet code>k<n>.` plus a
fixed secret (DEMO_SECRET), printed by seed_demo with the demo logins and in docs/kiosk-guide.md; a real kiosk's
secret is random and shown once. One kiosk reports low paper and one has been silent for ten minutes, so the
outlet page shows every state and the silent-kiosk alert has something to report.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from outlets.kiosk import actions
from outlets.models import DeviceHealth, Kiosk, Outlet, OutletKind

DEMO_SECRET = "demo-kiosk-secret-not-for-production"
KIOSKS_PER_HALL = 2


def demo_key_id(outlet: Outlet, n: int) -> str:
    return f"demo{n}-{outlet.code}"[:16].lower()


def seed_kiosks() -> int:
    """Register the demo halls' kiosks with their demo keys and heartbeats; return how many were added."""
    added = 0
    now = timezone.now()
    halls = Outlet.objects.filter(kind=OutletKind.HALL).exclude(kiosks__isnull=False).order_by("code")
    for index, outlet in enumerate(halls):
        for n in range(1, KIOSKS_PER_HALL + 1):
            kiosk = actions.register_kiosk(outlet=outlet, name=f"{n}号机", by=None).kiosk
            paper = DeviceHealth.LOW if (index, n) == (0, 2) else DeviceHealth.OK
            silent = (index, n) == (1, 2)
            Kiosk.objects.filter(pk=kiosk.pk).update(
                key_id=demo_key_id(outlet, n),
                secret_digest=actions.digest(DEMO_SECRET),
                last_seen_at=now - timedelta(minutes=10 if silent else 0),
                printer=DeviceHealth.OK,
                paper=paper,
                card_reader=DeviceHealth.OK,
                software_version="demo-1.0",
            )
            User.objects.filter(pk=kiosk.actor_id).update(username=f"kiosk-{demo_key_id(outlet, n)}")
            added += 1
    return added


def demo_keys() -> list[tuple[str, str]]:
    """(kiosk, its Authorization header's value) for the demo's kiosks still on their demo secret."""
    kiosks = Kiosk.objects.in_service().filter(secret_digest=actions.digest(DEMO_SECRET)).select_related("outlet")
    return [(str(kiosk), f"Kiosk {kiosk.key_id}.{DEMO_SECRET}") for kiosk in kiosks.order_by("outlet__code", "name")]
