"""Billing's pages: a customer's bills and payments, the sandbox gateway's checkout, staff's counter and arrears.

Accounts and bills load through `visible_to` (404 otherwise); the roles are billing.permissions.MAY (403).
Every page runs a fixed number of queries whatever the number of bills.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ElectricityAccount
from accounts.permissions import only_for
from billing import actions, callbacks, figures, ledger, pdf
from billing.forms import AmountForm
from billing.gateways import SandboxGateway, payment_gateway
from billing.models import Bill, Payment, PaymentChannel, PaymentState
from billing.permissions import arrears_grids, may, may_pay

PER_PAGE = 12


def _account(request: HttpRequest, number: str) -> ElectricityAccount:
    account = ElectricityAccount.objects.visible_to(request.user).filter(number=number).first()
    if account is None:
        raise Http404
    return account


def chart(bills: list[Bill]) -> dict:
    """The chart's data (static/js/bills-chart.js), oldest month first."""
    ordered = sorted(bills, key=lambda bill: bill.period)
    return {
        "labels": [f"{bill.period:%Y-%m}" for bill in ordered],
        "amount": [str(bill.amount) for bill in ordered],
        "kwh": [str(bill.kwh) for bill in ordered],
        "amount_label": _("Amount (¥)"),
        "kwh_label": _("kWh"),
    }


@only_for(lambda user: user.is_customer)
def home(request: HttpRequest) -> HttpResponse:
    accounts = list(ElectricityAccount.objects.filter(linked_user=request.user).order_by("number"))
    if len(accounts) == 1:
        return redirect("billing:account", number=accounts[0].number)
    return render(request, "billing/home.html", {"accounts": accounts})


@only_for(lambda user: user.is_authenticated)
def account(request: HttpRequest, number: str) -> HttpResponse:
    account = _account(request, number)
    today = timezone.localdate()
    page = Paginator(Bill.objects.filter(account=account).order_by("-period"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    owed, balance = ledger.owed(account, today), ledger.balance(account)
    context = {
        "account": account,
        "page": page,
        "chart": chart(list(page.object_list)),
        "balance": balance,
        "to_pay": ledger.amount_to_pay(account, today, items=owed, held=balance),
        "today": today,
        "may_pay": may_pay(request.user, account),
        "may_take": may(request.user, "take_counter_payment"),
        "may_disconnect": may(request.user, "disconnect"),
        "payments": Payment.objects.filter(account=account).order_by("-started_at")[:5],
    }
    return render(request, "billing/account.html", context)


@only_for(lambda user: user.is_authenticated)
def bill(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.visible_to(request.user).select_related("account", "tariff"), pk=pk)
    today = timezone.localdate()
    rules = ledger.class_rules(bill.account)
    context = {
        "bill": bill,
        "lines": bill.lines.all(),
        "late_fee": ledger.late_fee(bill, rules, today) if bill.paid_on is None else bill.late_fee,
        "overdue": bill.is_overdue(today),
        "may_pay": bill.paid_on is None and may_pay(request.user, bill.account),
    }
    return render(request, "billing/bill.html", context)


@only_for(lambda user: user.is_authenticated)
def bill_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.visible_to(request.user).select_related("account__customer", "tariff"), pk=pk)
    return _pdf(
        pdf.bill_pdf(bill, request.build_absolute_uri(bill_url(bill))),
        f"bill-{bill.account.number}-{bill.period:%Y%m}.pdf",
    )


@only_for(lambda user: user.is_authenticated)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(
        Bill.objects.visible_to(request.user)
        .filter(paid_on__isnull=False)
        .select_related("account__customer", "tariff"),
        pk=pk,
    )
    return _pdf(
        pdf.invoice_pdf(bill, request.build_absolute_uri(bill_url(bill))),
        f"invoice-{bill.account.number}-{bill.period:%Y%m}.pdf",
    )


def bill_url(bill: Bill) -> str:
    return reverse("billing:bill", args=[bill.pk])


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
@only_for(lambda user: user.is_customer)
def pay(request: HttpRequest, number: str) -> HttpResponse:
    account = _account(request, number)
    if not may_pay(request.user, account):
        raise PermissionDenied
    form = AmountForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter an amount in yuan, more than 0, to the fen."))
        payment = actions.start_payment(
            account, by=request.user, amount=form.cleaned_data["amount"], channel=PaymentChannel.WEB
        )
    except (ValidationError, actions.BillingRefused) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
        return redirect("billing:account", number=number)
    return redirect(payment_gateway().checkout_url(payment))


def _own_payment(request: HttpRequest, reference: str) -> Payment:
    return get_object_or_404(Payment.objects.visible_to(request.user).select_related("account"), reference=reference)


@only_for(lambda user: user.is_authenticated)
def sandbox(request: HttpRequest, reference: str) -> HttpResponse:
    """The sandbox gateway's checkout page: pay or cancel; either way it calls back, signed, and returns."""
    payment = _own_payment(request, reference)
    if payment.started_by_id != request.user.pk or payment.gateway != SandboxGateway.name:
        raise Http404
    if request.method == "POST" and payment.state == PaymentState.STARTED:
        gateway = SandboxGateway()
        body, signature = gateway.pay(payment, succeed=request.POST.get("outcome") == "pay")
        callbacks.receive(gateway, body, signature)
        return redirect("billing:payment", reference=reference)
    return render(request, "billing/sandbox.html", {"payment": payment})


@only_for(lambda user: user.is_authenticated)
def payment(request: HttpRequest, reference: str) -> HttpResponse:
    return render(request, "billing/payment.html", {"payment": _own_payment(request, reference)})


@require_POST
@only_for(lambda user: may(user, "take_counter_payment"))
def counter_payment(request: HttpRequest, number: str) -> HttpResponse:
    account = _account(request, number)
    form = AmountForm(request.POST)
    if form.is_valid():
        try:
            payment = actions.record_counter_payment(account, by=request.user, amount=form.cleaned_data["amount"])
            messages.success(request, _("Payment %(reference)s recorded.") % {"reference": payment.reference})
        except actions.BillingRefused as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, _("Enter an amount in yuan, more than 0, to the fen."))
    return redirect("billing:account", number=number)


def _supply_step(request: HttpRequest, number: str, step: Callable[..., object], done: str) -> HttpResponse:
    account = _account(request, number)
    try:
        step(account, by=request.user)
        messages.success(request, done)
    except actions.BillingRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("billing:account", number=number)


@require_POST
@only_for(lambda user: may(user, "disconnect"))
def disconnect(request: HttpRequest, number: str) -> HttpResponse:
    return _supply_step(request, number, actions.disconnect_for_arrears, _("The disconnection is recorded."))


@require_POST
@only_for(lambda user: may(user, "disconnect"))
def reconnect(request: HttpRequest, number: str) -> HttpResponse:
    return _supply_step(request, number, actions.record_reconnection, _("The reconnection is recorded."))


@only_for(lambda user: may(user, "see_arrears"))
def arrears(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    grids = list(arrears_grids(request.user).values_list("pk", flat=True))
    page = Paginator(figures.arrears_accounts(grids, today), 20).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.age_days = (today - row.arrears_since).days
    total = sum((row.overdue_amount or Decimal(0) for row in page.object_list), Decimal(0))
    return render(request, "billing/arrears.html", {"page": page, "page_total": total})
