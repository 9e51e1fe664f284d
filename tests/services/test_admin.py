"""The services admin reads in words and local time: sub-types, clocks and timeline values are labelled."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from services.models import SlaPolicy, TimelineEvent
from tests.services.test_views import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_the_order_list_and_page_show_labels_not_codes(admin_client, alice):
    order = report(alice)
    listing = admin_client.get(reverse("admin:services_workorder_changelist")).text
    assert "No power in my home" in listing
    assert "no_power_home" not in listing
    page = admin_client.get(reverse("admin:services_workorder_change", args=[order.pk])).text
    assert "Arrival on site" in page  # the clock and its started event, by label
    assert ">arrival<" not in page


def test_the_policy_list_labels_clocks_and_sub_types(admin_client):
    text = admin_client.get(reverse("admin:services_slapolicy_changelist")).text
    assert "Restoration of power" in text
    assert "Reconnection after arrears are paid" in text


def test_a_timeline_event_names_its_time_in_local_time(alice):
    order = report(alice)
    event = TimelineEvent.objects.filter(order=order).first()
    event.at = datetime(2026, 6, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert str(event).endswith("2026-06-01 09:30")
    assert SlaPolicy.objects.exists()
