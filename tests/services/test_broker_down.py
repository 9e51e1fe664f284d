"""A customer's submission while the broker is down: saved at once, told later by the periodic pass, once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.delivery import deliver_pending_notifications
from services.models import Notification, NotificationState, WorkOrder
from services.repair.models import FAULT_REPAIR

pytestmark = pytest.mark.django_db


def test_a_fault_reported_on_the_page_while_the_broker_is_down_is_saved_and_told_later(
    client, alice, ray, broker, django_capture_on_commit_callbacks, time_machine
):
    client.force_login(alice)
    form = {"account": "3300000001", "fault_type": "no_power_home", "description": "家里没电了", "contact_phone": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("services:report-fault"), form | {"contact_phone": "13900000001"})

    order = WorkOrder.objects.get(kind=FAULT_REPAIR, account__number="3300000001")
    assert response.status_code == 302
    assert response.url == reverse("services:order", args=[order.number])
    waiting = Notification.objects.filter(order=order)
    assert waiting.exists()
    assert set(waiting.values_list("state", flat=True)) == {NotificationState.PENDING}

    broker.restore()
    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    delivered = deliver_pending_notifications()
    assert delivered == waiting.count()
    assert set(waiting.values_list("state", flat=True)) == {NotificationState.SENT}
    assert deliver_pending_notifications() == 0
