"""Silent kiosks are reported to their outlet's counter staff once per silence; list endpoints' query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outlets.kiosk import actions
from outlets.kiosk.tasks import report_silent_kiosks
from services.models import Notification
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import ElectricityAccountFactory, ServiceGridFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db


def beat(kiosk) -> None:
    actions.record_heartbeat(kiosk, printer="ok", paper="ok", card_reader="ok")


def test_a_kiosk_silent_five_minutes_is_reported_once_and_again_after_it_came_back(kiosk, charlie):
    beat(kiosk)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert report_silent_kiosks() == 0
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert report_silent_kiosks() == 1
        assert report_silent_kiosks() == 0
    message = Notification.objects.get()
    assert message.recipient == charlie and message.template == "kiosk_silent"
    with time_machine.travel(start + timedelta(minutes=7), tick=False):
        beat(kiosk)
        kiosk.refresh_from_db()
        assert kiosk.state() == "online"
    with time_machine.travel(start + timedelta(minutes=13), tick=False):
        assert report_silent_kiosks() == 1
    assert Notification.objects.count() == 2


def test_a_revoked_kiosk_is_never_reported(kiosk, charlie):
    actions.revoke_kiosk(kiosk, by=None)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert report_silent_kiosks() == 0


@pytest.mark.parametrize("url_name", ["api:kiosk-accounts", "api:kiosk-orders", "api:kiosk-outages"])
def test_the_kiosks_lists_take_the_same_queries_however_many_rows(kiosk, alice, grid, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.outlets.test_kiosk_api import published_notice

    account = alice.linked_accounts.get()
    client = Client(headers={"Authorization": f"Kiosk {kiosk.key}"})
    proof = {"account": account.number, "id_tail": ALICE_ID_NUMBER[-6:]}
    token = client.post(reverse("api:kiosk-session-start"), proof, content_type="application/json").json()["token"]
    client = Client(headers={"Authorization": f"Kiosk {kiosk.key}", "X-Kiosk-Session": token})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    # A code of its own: the factory's sequential codes may meet the cast's TQ00001 when this test runs first.
    other = ElectricityAccountFactory(
        number="3300000077", customer=account.customer, grid=ServiceGridFactory(code="TQ-KIOSK-77")
    )

    def more(count: int) -> None:
        WorkOrderFactory.create_batch(count, account=account, customer=account.customer, grid=grid)
        for _ in range(count):
            published_notice(other.grid, days=0)

    more(1)
    few = queries()
    more(8)
    # The kiosk with its session, the page (one row more: the count only when it is there), and the log.
    assert queries() == few <= 7


def test_the_outlet_panel_shows_each_kiosks_state_to_staff_only(kiosk, charlie, alice, rf):
    from django.template import Context, Template

    beat(kiosk)
    actions.register_kiosk(outlet=kiosk.outlet, name="2号机", by=None)
    page = Template("{% load kiosks %}{% kiosk_panel outlet %}")
    for user, shown in [(charlie, True), (alice, False)]:
        request = rf.get("/")
        request.user = user
        html = page.render(Context({"request": request, "outlet": kiosk.outlet}))
        assert ("Online" in html and "Offline" in html and "2号机" in html) is shown


def test_old_sessions_attempts_and_log_rows_are_purged_and_recent_ones_kept(kiosk, alice):
    from outlets.kiosk.tasks import purge_kiosk_records
    from outlets.models import KioskRequest, KioskSession, ProofAttempt

    client = Client(headers={"Authorization": f"Kiosk {kiosk.key}"})
    proof = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    client.post(reverse("api:kiosk-session-start"), proof, content_type="application/json")
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        client.post(reverse("api:kiosk-session-start"), proof, content_type="application/json")
        assert purge_kiosk_records() == 2  # the first session and its attempt; log rows are kept 90 days
        assert (KioskSession.objects.count(), ProofAttempt.objects.count(), KioskRequest.objects.count()) == (1, 1, 2)
