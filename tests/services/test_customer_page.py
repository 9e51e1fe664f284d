"""The customer's progress page: the stepper, the crew on its way, messages with staff, and a photo at filing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services import actions
from services.models import Attachment, EventKind, Notification, Status, WorkOrder
from services.repair import actions as repair
from tests.services.test_views import PNG, apply_for, report, walk_to_resolved

pytestmark = pytest.mark.django_db


def page(client, order):
    return client.get(reverse("services:order", args=[order.number]))


def test_the_stepper_shows_a_repair_done_up_to_its_status(client, alice, ray):
    order = report(alice)
    repair.accept_dispatch(order, by=ray)
    client.force_login(alice)
    steps = page(client, order).context["progress"]
    assert [step["state"] for step in steps] == ["done", "done", "current", "todo", "todo", "todo", "todo"]
    assert steps[2]["label"] == "Accepted"


def test_the_stepper_puts_a_wait_for_the_customer_in_progress_and_a_closed_order_all_done(client, alice, grace):
    order = apply_for(alice)
    order = actions.change_status(order, Status.IN_PROGRESS, by=grace)
    actions.change_status(order, Status.WAITING_CUSTOMER, by=grace)
    client.force_login(alice)
    assert [step["state"] for step in page(client, order).context["progress"]] == [
        "done",
        "done",
        "current",
        "todo",
        "todo",
    ]
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.CLOSED)
    assert {step["state"] for step in page(client, order).context["progress"]} == {"done"}


def test_the_customer_sees_the_crew_its_phone_and_when_it_is_due_until_it_has_restored(client, alice, ray):
    ray.phone = "13911112222"
    ray.save(update_fields=["phone"])
    order = report(alice)
    client.force_login(alice)
    text = page(client, order).text
    assert "Your repair crew" in text
    assert ray.get_full_name() in text
    assert 'href="tel:13911112222"' in text
    assert "Expected by" in text
    walk_to_resolved(order, ray)
    assert "Your repair crew" not in page(client, order).text


def test_a_customer_writes_and_the_assignee_is_told_and_the_answer_reaches_the_customer(client, alice, ray):
    order = report(alice)
    client.force_login(alice)
    url = reverse("services:step", args=[order.number, "message"])
    assert client.post(url, {"note": "门口有狗，请先打电话"}).status_code == 302
    event = order.events.get(kind=EventKind.COMMENT)
    assert (event.actor, event.is_public) == (alice, True)
    assert Notification.objects.filter(template="customer_message", recipient=ray).exists()

    client.force_login(ray)
    reply = reverse("services:act", args=[order.number, "comment"])
    client.post(reply, {"comment-text": "好的，十分钟后到", "comment-is_public": "on"})
    assert Notification.objects.filter(template="staff_message", recipient=alice).exists()
    client.force_login(alice)
    assert "好的，十分钟后到" in page(client, order).text


def test_an_empty_message_is_400_and_sends_nothing(client, alice):
    order = report(alice)
    client.force_login(alice)
    response = client.post(reverse("services:step", args=[order.number, "message"]), {"note": " "})
    assert response.status_code == 400
    assert not order.events.filter(kind=EventKind.COMMENT).exists()


def test_a_customer_writing_too_often_is_429(client, alice, settings):
    settings.CUSTOMER_MESSAGES_PER_HOUR = 2
    order = report(alice)
    client.force_login(alice)
    api = reverse("api:work-order-step", args=[order.number, "message"])
    for _ in range(2):
        assert client.post(api, {"note": "还没来？"}, content_type="application/json").status_code == 200
    response = client.post(api, {"note": "还没来？"}, content_type="application/json")
    assert response.status_code == 429
    assert order.events.filter(kind=EventKind.COMMENT).count() == 2


def fault_form(**extra):
    return {
        "account": "3300000001",
        "fault_type": "no_power_home",
        "description": "停电",
        "contact_phone": "13900000001",
        **extra,
    }


def test_a_photo_and_the_location_go_with_the_report(client, alice):
    client.force_login(alice)
    photo = SimpleUploadedFile("fault.png", PNG, content_type="image/png")
    response = client.post(reverse("services:report-fault"), fault_form(photo=photo, location="GPS 28.65,121.42"))
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.location == "GPS 28.65,121.42"
    attachment = Attachment.objects.get(order=order)
    assert (attachment.original_name, attachment.is_public, attachment.uploaded_by) == ("fault.png", True, alice)


def test_a_file_that_is_no_photo_refuses_the_report_with_it(client, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("fault.png", b"MZ not an image", content_type="image/png")
    response = client.post(reverse("services:report-fault"), fault_form(photo=fake))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not WorkOrder.objects.exists()
