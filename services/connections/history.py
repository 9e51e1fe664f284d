"""The account's history of changes (AccountChange) as a panel on the account page (accounts.panels): every
change of use applied to the account and its order, for staff and for the customer who holds the account. Staff
who file for customers find there the counter's entry pages for this account (services.connections.views)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import AccountStatus, ElectricityAccount, Suspension, VoltageLevel
from services.connections.models import AccountChange
from services.connections.permissions import files_for_customers

HISTORY_ROWS = 20
# Fields whose stored codes have labels; anything else is shown as it was written.
CHOICES = {
    "status": AccountStatus,
    "suspension": Suspension,
    "voltage_level": VoltageLevel,
}


def _label(field: str, value: object) -> str:
    if value in (None, ""):
        return "—"
    choices = CHOICES.get(field)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def _field_label(field: str) -> str:
    if field == "merged":
        return str(AccountChange._meta.get_field("account").verbose_name)
    try:
        return str(ElectricityAccount._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field no longer on the account keeps its stored name
        return field


def describe(change: AccountChange) -> list[tuple[str, str, str]]:
    """(field, old, new) in words, for the page."""
    return [
        (_field_label(field), _label(field, old), _label(field, new)) for field, (old, new) in change.changes.items()
    ]


def account_history_panel(request: HttpRequest, account: ElectricityAccount) -> str:
    """The panel: the account's latest changes with their orders (one query)."""
    changes = list(account.changes.select_related("order")[:HISTORY_ROWS])
    for change in changes:
        change.described = describe(change)
    # Without the request: the page's context processors (the unread badge) ran once for the page already.
    context = {"changes": changes, "account": account, "files_here": files_for_customers(request.user)}
    return render_to_string("connections/_account_history.html", context)
