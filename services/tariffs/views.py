"""The tariff guide's pages: the public calculator, an account's comparison with its chart, and the switch.

An account's page is for whoever may see the account (accounts.ElectricityAccount.visible_to: its linked
customer, staff); the switch is the customer's own. Each page runs a fixed number of queries.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import ElectricityAccount
from accounts.permissions import is_customer, only_for
from services.tariffs import actions, guide
from services.tariffs.forms import CalculatorForm, SwitchForm
from services.tariffs.guide import Comparison

SHIFT_SENTENCE = gettext_lazy(
    "On the time-of-use tariff, moving 20 %% of your use to the valley hours would save about ¥%(saving)s a year more."
)


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def explain(comparison: Comparison) -> list[str]:
    """The comparison in a few plain sentences (translated)."""
    baseline, cheapest = comparison.baseline, comparison.cheapest
    if baseline is None:
        return []
    kwh = sum((usage.total for usage in comparison.usage), Decimal(0))
    lines = [
        _("Over these %(months)d months you used %(kwh)s kWh; on %(name)s that costs ¥%(amount)s.")
        % {
            "months": len(comparison.usage),
            "kwh": f"{kwh:,.0f}",
            "name": baseline.tariff.name,
            "amount": _yuan(baseline.year),
        }
    ]
    if cheapest is not baseline and comparison.saving > 0:
        lines.append(
            _("On %(name)s it would cost ¥%(amount)s: ¥%(saving)s less a year, about ¥%(monthly)s a month.")
            % {
                "name": cheapest.tariff.name,
                "amount": _yuan(cheapest.year),
                "saving": _yuan(comparison.saving),
                "monthly": _yuan(comparison.saving / 12),
            }
        )
    else:
        lines.append(_("No other tariff available to you would cost less for this use."))
    if comparison.shift_saving:
        lines.append(str(SHIFT_SENTENCE) % {"saving": _yuan(comparison.shift_saving)})
    if not comparison.measured_split:
        lines.append(
            _("Your readings do not split peak and valley use, so we assumed %(percent)s %% of it in the valley hours.")
            % {"percent": f"{comparison.assumed_valley_share * 100:.0f}"}
        )
    return lines


def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    comparison = None
    if form.is_valid():
        data = form.cleaned_data
        comparison = guide.compare_typed(data["province"], data["monthly_kwh"], data["valley_percent"] / 100)
    context = {"form": form, "comparison": comparison, "explanation": explain(comparison) if comparison else []}
    return render(request, "tariffs/calculator.html", context)


def _visible_account(request: HttpRequest, number: str) -> ElectricityAccount:
    account = ElectricityAccount.objects.visible_to(request.user).filter(number=number).first()
    if account is None:
        raise Http404
    return account


@only_for(lambda user: user.is_authenticated)
def account_guide(request: HttpRequest, number: str) -> HttpResponse:
    account = _visible_account(request, number)
    comparison = guide.compare_account(account)
    context = {
        "account": account,
        "comparison": comparison,
        "explanation": explain(comparison),
        "may_switch": request.user.is_customer and guide.may_switch(account),
        "pending": actions.pending_switch(account),
    }
    return render(request, "tariffs/account.html", context)


@require_POST
@only_for(is_customer)
def switch(request: HttpRequest, number: str) -> HttpResponse:
    account = _visible_account(request, number)
    if account.linked_user_id != request.user.pk:
        raise PermissionDenied
    form = SwitchForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose another tariff available to this account."))
        order = actions.request_switch(account, by=request.user, tariff_code=form.cleaned_data["tariff"])
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("tariffs:account", number=number)
    messages.success(request, _("Your request %(number)s to change tariff is received.") % {"number": order.number})
    return redirect("services:order", number=order.number)
