"""Photos and PDFs on a work order: checked by their bytes, stored through Django's storage.

The file's type is read from its first bytes, never from its name or the browser's declared content type,
and the stored name is ours (a random name with the extension of the detected type), so nothing uploaded can
be served as HTML or script. Serving checks the order's visibility (services.views).
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from services import actions, events
from services.models import Attachment, EventKind, WorkOrder

# (leading bytes, content type, extension); WebP is RIFF....WEBP and checked apart.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def detect_type(head: bytes) -> tuple[str, str] | None:
    """The content type and extension that the file's first bytes prove, or None for anything else."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def add_attachment(order: WorkOrder, *, by: User, upload: UploadedFile, public: bool = True) -> Attachment:
    """Store `upload` on the order if it is a JPEG, PNG, WebP or PDF within the size limit; else ValidationError."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}, code="too_large"
        )
    upload.seek(0)
    detected = detect_type(upload.read(16))
    upload.seek(0)
    if detected is None:
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF files can be attached."), code="bad_type")
    content_type, extension = detected
    original_name = os.path.basename(upload.name or "")[:200] or f"attachment.{extension}"
    with transaction.atomic():
        order = actions.lock(order)
        if not order.is_open:
            raise ValidationError(_("This order is closed; nothing more can be attached."), code="closed")
        attachment = Attachment(
            order=order,
            original_name=original_name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
            uploaded_at=timezone.now(),
            is_public=public,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
        attachment.save()
        events.record(order, EventKind.ATTACHMENT, by=by, new=original_name, public=public)
    return attachment
