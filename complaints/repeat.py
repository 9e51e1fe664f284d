"""Repeat complaints (重复投诉): a complaint on the same account and category within 30 days of an earlier one."""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.models import ElectricityAccount
from complaints.models import COMPLAINT, Complaint, ComplaintCategory

REPEAT_WINDOW = timedelta(days=30)
# What the handler sees at intake: the account's and its holder's requests of the last 90 days.
HISTORY_WINDOW = timedelta(days=90)


def find_repeat(
    account: ElectricityAccount | None, category: ComplaintCategory | None, at: datetime, until: datetime | None = None
) -> Complaint | None:
    """The latest complaint on the same account and top category received in the 30 days before `at` (or before
    `until`, for a complaint received now and checked once it holds the account's lock: one filed while it waited
    was received a moment after `at`, and is still the earlier complaint)."""
    if account is None or category is None:
        return None
    top = category.top
    return (
        Complaint.objects.filter(
            order__kind=COMPLAINT,
            order__account=account,
            received_at__gte=at - REPEAT_WINDOW,
            received_at__lte=until or at,
        )
        .filter(category__in=ComplaintCategory.objects.filter(pk=top.pk) | top.children.all())
        .order_by("-received_at")
        .first()
    )
