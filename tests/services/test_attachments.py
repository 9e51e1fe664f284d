"""Attachments: only real images and PDFs within the size limit are stored, each on the timeline."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from services.attachments import add_attachment
from services.models import Attachment, EventKind, Status, TimelineEvent
from tests.factories import WorkOrderFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(grid):
    return WorkOrderFactory(grid=grid, status=Status.ASSIGNED)


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "declared", "detected", "extension"),
    [
        ("meter.png", PNG, "image/png", "image/png", ".png"),
        ("meter.jpeg", JPEG, "image/jpeg", "image/jpeg", ".jpg"),
        ("meter.webp", WEBP, "image/webp", "image/webp", ".webp"),
        ("bill.pdf", PDF, "application/pdf", "application/pdf", ".pdf"),
        ("photo", JPEG, "application/octet-stream", "image/jpeg", ".jpg"),  # the bytes decide, not the name
    ],
)
def test_images_and_pdfs_are_stored_under_a_name_of_our_own_and_recorded(
    order, alice, media, name, content, declared, detected, extension
):
    attachment = add_attachment(order, by=alice, upload=SimpleUploadedFile(name, content, declared))

    attachment.refresh_from_db()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, detected, len(content))
    assert (attachment.uploaded_by, attachment.is_public) == (alice, True)
    assert attachment.file.name.startswith(f"orders/{order.pk}/")
    assert attachment.file.name.endswith(extension)
    assert attachment.file.read() == content
    event = order.events.get()
    assert (event.kind, event.new_value, event.actor, event.is_public) == (EventKind.ATTACHMENT, name, alice, True)


def test_an_internal_attachment_is_hidden_from_the_customer_on_the_timeline(order, grace):
    attachment = add_attachment(order, by=grace, upload=SimpleUploadedFile("a.pdf", PDF), public=False)

    assert attachment.is_public is False
    assert order.events.get().is_public is False


def test_text_named_jpg_and_declared_as_a_jpeg_is_refused_and_nothing_is_stored(order, alice, media):
    upload = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")

    with pytest.raises(ValidationError) as refused:
        add_attachment(order, by=alice, upload=upload)

    assert refused.value.messages == ["Only photos (JPEG, PNG, WebP) and PDF files can be attached."]
    assert not Attachment.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(order, alice, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * 1024, "image/png")

    with pytest.raises(ValidationError) as refused:
        add_attachment(order, by=alice, upload=upload)

    assert refused.value.messages == ["The file is too large: at most 1.0\xa0KB."]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_exactly_at_the_limit_is_accepted(order, alice, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PNG)

    add_attachment(order, by=alice, upload=SimpleUploadedFile("edge.png", PNG, "image/png"))

    assert Attachment.objects.count() == 1


def test_the_default_limit_is_ten_megabytes():
    from portal import settings as portal_settings

    assert portal_settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_nothing_can_be_attached_to_a_closed_order(grid, alice, media):
    order = WorkOrderFactory(grid=grid, status=Status.CLOSED)

    with pytest.raises(ValidationError):
        add_attachment(order, by=alice, upload=SimpleUploadedFile("a.png", PNG, "image/png"))

    assert not Attachment.objects.exists()
    assert stored_files(media) == []
