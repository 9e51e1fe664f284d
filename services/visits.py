"""Return visits (回访): the signed link a customer rates a closed order with, and recording the rating.

The link carries a token signed with the project's SECRET_KEY (django.core.signing), so it needs no login and
no table of its own. It expires after VISIT_LINK_MAX_AGE and works once: when the order has a ReturnVisit,
whether from the link or from a telephone visit by staff, the token is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from services import events, kinds
from services.actions import lock, tell_customer
from services.models import QUALITY_CHARACTERISTICS, EventKind, ReturnVisit, Status, WorkOrder

VISIT_LINK_SALT = "services.return-visit"
VISIT_LINK_MAX_AGE = timedelta(days=14)
CHARACTERISTICS = [name for name, _label in QUALITY_CHARACTERISTICS]
SATISFIED_FROM = 4  # a rating of 4 or 5 is satisfied, as the dashboards' satisfaction share counts it


class VisitRefused(Exception):
    """A return-visit link or rating that cannot be taken; `reason` is bad, expired, used or not_closed."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason, self.message = reason, message
        super().__init__(message)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=VISIT_LINK_SALT)


def visit_token(order: WorkOrder) -> str:
    """The signed token of the order's return-visit link."""
    return _signer().sign(str(order.pk))


def order_for_token(token: str) -> WorkOrder:
    """The order a return-visit token is for; raise VisitRefused if it is tampered with, expired or used."""
    try:
        pk = _signer().unsign(token, max_age=VISIT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VisitRefused("expired", _("This link has expired.")) from error
    except signing.BadSignature as error:
        raise VisitRefused("bad", _("This link is not valid.")) from error
    order = WorkOrder.objects.filter(pk=pk).select_related("department", "assigned_to").first()
    if order is None:
        raise VisitRefused("bad", _("This link is not valid."))
    if ReturnVisit.objects.filter(order=order).exists():
        raise VisitRefused("used", _("This request has already been rated. Thank you."))
    return order


def visit_link(order: WorkOrder) -> str:
    """The absolute URL of the order's return-visit page, for a message."""
    return settings.SITE_URL.rstrip("/") + reverse("services:return-visit", args=[visit_token(order)])


def _validate_scores(overall: int, scores: Mapping[str, int | None]) -> dict[str, int | None]:
    unknown = set(scores) - set(CHARACTERISTICS)
    if unknown:
        raise ValidationError(_("Unknown quality characteristics: %(names)s") % {"names": ", ".join(sorted(unknown))})
    for value in [overall, *scores.values()]:
        if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            raise ValidationError(_("Each rating is a whole number from 1 to 5."))
    if overall is None:
        raise ValidationError(_("The overall rating is required."))
    return {name: scores.get(name) for name in CHARACTERISTICS}


def record_return_visit(
    order: WorkOrder,
    *,
    by: User | None,
    channel: str,
    overall: int,
    scores: Mapping[str, int | None],
    comment: str = "",
) -> ReturnVisit:
    """Store the customer's rating of a closed order, credited to its department and assignee; only once.

    `by` is the member of staff who made a telephone visit, or the customer (None through an anonymous link).
    Raises VisitRefused if the order is not where its kind is rated (closed, for most: Kind.rated_in) or already
    rated, ValidationError for a rating out of range. The kind's `on_rated` acts on the rating (a complaint's
    return visit: satisfied, or reopened).
    """
    ratings = _validate_scores(overall, scores)
    with transaction.atomic():
        order = lock(order)
        kind = kinds.get(order.kind)
        statuses = kind.rated_in if kind is not None else frozenset({Status.CLOSED})
        if order.status not in statuses:
            raise VisitRefused("not_closed", _refusal(order, statuses))
        if ReturnVisit.objects.filter(order=order).exists():
            raise VisitRefused("used", _("This request has already been rated. Thank you."))
        visit = ReturnVisit.objects.create(
            order=order,
            channel=channel,
            overall=overall,
            comment=comment,
            department_id=order.department_id,
            assignee_id=order.assigned_to_id,
            recorded_by=by if by is not None and by.is_authenticated else None,
            recorded_at=timezone.now(),
            **ratings,
        )
        events.record(order, EventKind.RETURN_VISIT, by=visit.recorded_by, new=f"{overall}/5", public=True)
        if kind is not None and kind.on_rated is not None:
            kind.on_rated(order, visit)
    return visit


def _refusal(order: WorkOrder, statuses: frozenset[str]) -> str:
    """Why the order cannot be rated now, in the words of its kind's rule (a complaint is rated once answered)."""
    if not order.is_open:
        return _("This request cannot be rated.")
    if statuses == {Status.CLOSED}:
        return _("Only a closed request can be rated.")
    return _("This request is not waiting for your rating now; you will be asked once it has been answered.")


def rated_in(order: WorkOrder) -> frozenset[str]:
    """The statuses in which the order's kind takes its return visit (closed, unless the kind says otherwise)."""
    kind = kinds.get(order.kind)
    return kind.rated_in if kind is not None else frozenset({Status.CLOSED})


def may_be_rated(order: WorkOrder) -> bool:
    """Whether the order waits for its rating: where its kind is rated, and not rated yet."""
    return order.status in rated_in(order) and not ReturnVisit.objects.filter(order=order).exists()


def customer_of(order: WorkOrder) -> User | None:
    """The customer's login to tell about the order: who reported it, else the linked account's holder."""
    if order.reported_by_id and order.reported_by.is_customer:
        return order.reported_by
    if order.account_id and order.account.linked_user_id:
        return order.account.linked_user
    return None


def send_return_visit_link(order: WorkOrder) -> int:
    """Send the customer the link to rate the closed order (to their login, else by SMS to the contact phone).

    Call it where the order is closed, inside that transaction: the message leaves after commit, once.
    """
    context = {"link": visit_link(order)}
    return tell_customer(order, template="return_visit_link", context=context, dedupe=f"order:{order.pk}:return_visit")
