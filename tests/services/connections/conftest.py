"""Fixtures of new connections and changes of use: documents as uploads, and applications at their stages."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.connections import actions
from services.connections.models import ConnectionType, Purpose
from services.models import Channel

PDF = b"%PDF-1.7\n" + b"\x00" * 64


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def file_application(by, *, connection_type=ConnectionType.LV_RESIDENTIAL, important=False, documents=None, **extra):
    account = extra.pop("account", None)
    grid = extra.pop("grid", None)
    return actions.file_business_application(
        by=by,
        channel=Channel.WEB,
        connection_type=connection_type,
        purpose=Purpose.NEW_INSTALLATION,
        capacity_kva=Decimal("8.0"),
        description="新房通电",
        applicant_name="Alice",
        location="文三路 9 号",
        grid=grid,
        account=account,
        is_important=important,
        documents_given=documents if documents is not None else {"identity": pdf(), "property": pdf()},
        **extra,
    )


@pytest.fixture
def lv_application(alice, grid, charlie):
    """A low-voltage residential application by alice in charlie's station, with both documents."""
    return file_application(alice, grid=grid)
