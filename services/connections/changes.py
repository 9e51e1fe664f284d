"""Changes of use (变更用电): each type's rules, checked at filing, and its effect on the account when done.

Rules (1996 供电营业规则, carried into the 2024 rules; the figures are policy a later rule may change here):
apply at least 5 days ahead; a suspension lasts at least 15 days each time and at most 6 months in a calendar
year, counted with the account's earlier suspensions (AccountChange); a capacity reduction lasts 6 months to 2
years; a temporary removal at most 6 months; a temporary transformer swap at most 2 months; a transfer or
rename, and closing an account, only with no arrears (ElectricityAccount.arrears_since, written by billing).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, Customer, ElectricityAccount, Suspension
from services.connections.models import AccountChange, ChangeOfUse, ChangeType

NOTICE_DAYS = 5
SUSPENSION_MIN_DAYS = 15
SUSPENSION_MONTHS_A_YEAR = 6
REDUCTION_MONTHS = (6, 24)
REMOVAL_MONTHS = 6
SWAP_MONTHS = 2


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Request:
    """What a change of use asks for (the filing's fields)."""

    change_type: str
    account: ElectricityAccount
    start_on: date
    end_on: date | None = None
    new_capacity_kva: Decimal | None = None
    new_voltage_level: str = ""
    new_tariff_code: str = ""
    new_holder_name: str = ""
    new_address: str = ""
    other_account: ElectricityAccount | None = None


def check(request: Request, *, today: date | None = None) -> None:
    """Raise ValidationError, by field, for every rule the request breaks."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    account = request.account
    if account.status == AccountStatus.CLOSED:
        errors["account"] = [_("Account %(number)s is closed.") % {"number": account.number}]
    if request.start_on < today + timedelta(days=NOTICE_DAYS):
        errors["start_on"] = [_("Apply at least %(days)d days ahead.") % {"days": NOTICE_DAYS}]
    rule = RULES.get(request.change_type)
    if rule is not None:
        for field, message in rule(request):
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def _period(request: Request) -> list[tuple[str, str]]:
    if request.end_on is None:
        return [("end_on", _("Say until when."))]
    if request.end_on <= request.start_on:
        return [("end_on", _("The end must come after the start."))]
    return []


def _suspension(request: Request) -> list[tuple[str, str]]:
    problems = _period(request)
    if problems:
        return problems
    days = (request.end_on - request.start_on).days
    if request.account.status != AccountStatus.ACTIVE:
        problems.append(("account", _("Only an account in supply can be suspended.")))
    if days < SUSPENSION_MIN_DAYS:
        problems.append(("end_on", _("A suspension lasts at least %(days)d days.") % {"days": SUSPENSION_MIN_DAYS}))
    year = request.start_on.year
    allowance = (add_months(date(year, 1, 1), SUSPENSION_MONTHS_A_YEAR) - date(year, 1, 1)).days
    used = suspended_days(request.account, year)
    if used + days > allowance:
        problems.append(
            (
                "end_on",
                _("At most 6 months of suspension a year: %(used)d days are used in %(year)d.")
                % {"used": used, "year": year},
            )
        )
    return problems


def suspended_days(account: ElectricityAccount, year: int) -> int:
    """Days of suspension the account's history holds for suspensions starting in `year` (one query)."""
    rows = AccountChange.objects.filter(
        account=account, change_type=ChangeType.SUSPENSION, start_on__year=year, end_on__isnull=False
    )
    return sum((end_on - start_on).days for start_on, end_on in rows.values_list("start_on", "end_on"))


def _reduction(request: Request) -> list[tuple[str, str]]:
    problems = _period(request)
    if not problems:
        shortest, longest = (add_months(request.start_on, months) for months in REDUCTION_MONTHS)
        if not shortest <= request.end_on <= longest:
            problems.append(("end_on", _("A capacity reduction lasts from 6 months to 2 years.")))
    capacity = request.new_capacity_kva
    if capacity is None or not Decimal(0) < capacity < request.account.contracted_capacity_kva:
        problems.append(
            (
                "new_capacity_kva",
                _("Give a capacity below the present %(kva)s kVA.") % {"kva": request.account.contracted_capacity_kva},
            )
        )
    return problems


def _at_most(months: int, message: str) -> object:
    def rule(request: Request) -> list[tuple[str, str]]:
        problems = _period(request)
        if not problems and request.end_on > add_months(request.start_on, months):
            problems.append(("end_on", message))
        return problems

    return rule


def _no_arrears(request: Request) -> list[tuple[str, str]]:
    if request.account.arrears_since is not None:
        return [("account", _("The account has unpaid bills; settle them first."))]
    return []


def _transfer(request: Request) -> list[tuple[str, str]]:
    problems = _no_arrears(request)
    if not request.new_holder_name.strip():
        problems.append(("new_holder_name", _("Name the new holder.")))
    return problems


def _voltage(request: Request) -> list[tuple[str, str]]:
    if not request.new_voltage_level or request.new_voltage_level == request.account.voltage_level:
        return [("new_voltage_level", _("Choose a voltage other than the present one."))]
    return []


def _tariff(request: Request) -> list[tuple[str, str]]:
    if not request.new_tariff_code.strip() or request.new_tariff_code == request.account.tariff_code:
        return [("new_tariff_code", _("Give a tariff other than the present one."))]
    return []


def _relocation(request: Request) -> list[tuple[str, str]]:
    return [] if request.new_address.strip() else [("new_address", _("Give the new address."))]


def _merge(request: Request) -> list[tuple[str, str]]:
    other = request.other_account
    if other is None or other.pk == request.account.pk or other.customer_id != request.account.customer_id:
        return [("other_account", _("Give another account of the same holder."))]
    if other.status == AccountStatus.CLOSED:
        return [("other_account", _("Account %(number)s is closed.") % {"number": other.number})]
    return []


RULES = {
    ChangeType.SUSPENSION: _suspension,
    ChangeType.CAPACITY_REDUCTION: _reduction,
    ChangeType.TEMPORARY_REMOVAL: _at_most(REMOVAL_MONTHS, _("A temporary removal lasts at most 6 months.")),
    ChangeType.TEMPORARY_SWAP: _at_most(SWAP_MONTHS, _("A temporary transformer swap lasts at most 2 months.")),
    ChangeType.TRANSFER: _transfer,
    ChangeType.CLOSURE: _no_arrears,
    ChangeType.VOLTAGE_CHANGE: _voltage,
    ChangeType.TARIFF_CHANGE: _tariff,
    ChangeType.RELOCATION: _relocation,
    ChangeType.MERGE: _merge,
}


# --- Effects ------------------------------------------------------------------------------------------------


def _set(account: ElectricityAccount, changes: dict[str, list], **values: object) -> None:
    for field, value in values.items():
        old = getattr(account, field)
        if old != value:
            changes[field] = [_plain(old), _plain(value)]
            setattr(account, field, value)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _unlink(account: ElectricityAccount, changes: dict[str, list]) -> None:
    if account.linked_user_id:
        changes["linked_user"] = [account.linked_user.username, None]
    account.linked_user, account.linked_at = None, None


def effect(change: ChangeOfUse, account: ElectricityAccount) -> dict[str, list]:
    """Apply the change to the (locked) account and return what changed, {field: [old, new]}."""
    changes: dict[str, list] = {}
    kind = change.change_type
    if kind == ChangeType.SUSPENSION:
        _set(account, changes, status=AccountStatus.SUSPENDED, suspension=Suspension.REQUEST)
    elif kind == ChangeType.TEMPORARY_REMOVAL:
        _set(account, changes, status=AccountStatus.SUSPENDED, suspension=Suspension.REMOVAL)
    elif kind == ChangeType.CAPACITY_REDUCTION:
        _set(account, changes, contracted_capacity_kva=change.new_capacity_kva)
    elif kind == ChangeType.VOLTAGE_CHANGE:
        _set(account, changes, voltage_level=change.new_voltage_level)
    elif kind == ChangeType.TARIFF_CHANGE:
        _set(account, changes, tariff_code=change.new_tariff_code)
    elif kind == ChangeType.RELOCATION:
        _set(account, changes, address=change.new_address)
    elif kind == ChangeType.TRANSFER:
        holder = Customer.objects.create(name=change.new_holder_name, kind=account.customer.kind)
        changes["customer"] = [account.customer.name, holder.name]
        account.customer = holder
        _unlink(account, changes)
    elif kind == ChangeType.CLOSURE:
        _set(account, changes, status=AccountStatus.CLOSED, suspension="")
        _unlink(account, changes)
    elif kind == ChangeType.MERGE:
        other = ElectricityAccount.objects.select_for_update().get(pk=change.other_account_id)
        total = account.contracted_capacity_kva + other.contracted_capacity_kva
        _set(account, changes, contracted_capacity_kva=total)
        changes["merged"] = [other.number, account.number]
        other.status, other.suspension, other.linked_user, other.linked_at = AccountStatus.CLOSED, "", None, None
        other.save(update_fields=["status", "suspension", "linked_user", "linked_at"])
    fields = [name for name in changes if name != "merged"]
    if "linked_user" in changes:
        fields.append("linked_at")
    if fields:
        account.save(update_fields=fields)
    return changes
