"""A convenience-point agent files fault reports and service applications for villagers, with the channel
`convenience_point`, and sees only what they filed."""

import pytest
from django.urls import reverse

from services.models import Channel, WorkOrder
from services.permissions import may_act_on
from tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def _fault(account_number: str, channel: str) -> dict:
    return {
        "channel": channel,
        "fault_type": "no_power_home",
        "account": account_number,
        "contact_phone": "13900000001",
        "description": "村东头停电",
    }


def test_an_agent_enters_a_fault_as_their_point(client, pat, alice):
    client.force_login(pat)
    form = client.get(reverse("services:enter-fault")).context["form"]
    assert list(form.fields["channel"].choices) == [(Channel.CONVENIENCE_POINT, Channel.CONVENIENCE_POINT.label)]
    number = alice.linked_accounts.get().number
    response = client.post(reverse("services:enter-fault"), _fault(number, Channel.CONVENIENCE_POINT))
    assert response.status_code == 302, response.context["form"].errors
    order = WorkOrder.objects.get()
    assert (order.channel, order.created_by) == (Channel.CONVENIENCE_POINT, pat)


def test_an_agent_may_not_file_as_another_channel(client, pat, alice):
    client.force_login(pat)
    response = client.post(reverse("services:enter-fault"), _fault(alice.linked_accounts.get().number, "95598"))
    assert response.status_code == 400 and "channel" in response.context["form"].errors
    assert not WorkOrder.objects.exists()


def test_an_agent_sees_only_what_they_filed(client, pat, grid):
    mine = WorkOrderFactory(created_by=pat, grid=grid)
    theirs = WorkOrderFactory(grid=grid)
    assert list(WorkOrder.objects.visible_to(pat)) == [mine]
    client.force_login(pat)
    assert client.get(reverse("services:order", args=[theirs.number])).status_code == 404
    assert client.get(reverse("services:order", args=[mine.number])).status_code == 200


def test_the_api_files_an_agents_request_as_the_point(client, pat, alice):
    client.force_login(pat)
    body = _fault(alice.linked_accounts.get().number, "95598")
    response = client.post(reverse("api:fault-report-create"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == Channel.CONVENIENCE_POINT


def test_an_agent_acts_only_on_what_they_filed(pat, grid):
    assert not may_act_on(WorkOrderFactory(grid=grid), pat)
    assert may_act_on(WorkOrderFactory(grid=grid, created_by=pat), pat)
