"""The accounts pages: registration, linking an account, a customer's accounts, account detail, staff search.

Sign-in, sign-out and the password pages are Django's own views, wired in accounts/urls.py. Objects a user
may not see answer 404 (through ElectricityAccount.objects.visible_to); pages a role may not use answer 403
(accounts.permissions). tests/accounts/test_page_access.py holds every page to that.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import ratelimits, staff_panels
from accounts.actions import LinkRefused, link_account, register_customer, unlink_account
from accounts.consumption import recent_consumption
from accounts.forms import (
    AccountSearchForm,
    LinkAccountForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegistrationForm,
)
from accounts.models import ElectricityAccount
from accounts.permissions import can_link_accounts, can_search_accounts, is_customer, only_for

SEARCH_PAGE_SIZE = 25
LIST_PAGE_SIZE = 25


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and _signup_limited(request):
        # Every form sent counts, refused or not: the form also tells which logins are registered.
        form.full_clean()
        form.add_error(None, ratelimits.refusal_message("signup"))
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = register_customer(
                login=data["login"], password=data["password1"], full_name=data["full_name"], language=get_language()
            )
        except IntegrityError:
            # Someone registered the same login between the form's check and the insert.
            form.add_error("login", _("This mobile number or e-mail is already registered."))
        else:
            login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("Welcome! Now link your electricity account to see it here."))
            return redirect("accounts:link")
    return render(request, "accounts/register.html", {"form": form})


def _signup_limited(request: HttpRequest) -> bool:
    address = ratelimits.client_address(request)
    if ratelimits.is_limited("signup", address):
        return True
    ratelimits.hit("signup", address)
    return False


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, limited per client address and per e-mail address, so that it cannot flood a mailbox."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        keys = {"password_reset_address": ratelimits.client_address(self.request)}
        keys["password_reset_email"] = form.cleaned_data["email"]
        limited = [scope for scope, key in keys.items() if ratelimits.is_limited(scope, key)]
        if limited:
            form.add_error(None, ratelimits.refusal_message(limited[0]))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        for scope, key in keys.items():
            ratelimits.hit(scope, key)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's; the form refuses after too many wrong old passwords (forms.PasswordChangeForm): 429."""

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        status = 429 if form.has_error("old_password", code="throttled") else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


@only_for(can_link_accounts)
def link(request: HttpRequest) -> HttpResponse:
    form = LinkAccountForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = link_account(by=request.user, number=data["number"], proof=data["proof"])
        except LinkRefused as refusal:
            form.add_error(None if refusal.field == "__all__" else refusal.field, refusal.message)
            status = 429 if refusal.throttled else 200
        else:
            messages.success(request, _("Account %(number)s is now linked to you.") % {"number": account.number})
            return redirect("accounts:detail", number=account.number)
    return render(request, "accounts/link.html", {"form": form}, status=status)


@only_for(is_customer)
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = request.user.linked_accounts.select_related("customer", "grid").order_by("number")
    page = Paginator(accounts, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page})


@require_POST
@only_for(is_customer)
def unlink(request: HttpRequest, number: str) -> HttpResponse:
    account = get_object_or_404(request.user.linked_accounts, number=number)
    unlink_account(account, by=request.user)
    messages.success(request, _("Account %(number)s is no longer linked to you.") % {"number": account.number})
    return redirect("accounts:list")


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    accounts = ElectricityAccount.objects.visible_to(request.user).select_related("customer", "grid__manager")
    account = get_object_or_404(accounts, number=number)
    consumption = recent_consumption([account])[account.pk]
    panels = staff_panels.panels_for(account, request.user)
    context = {"account": account, "consumption": consumption, "staff_panels": panels}
    return render(request, "accounts/account_detail.html", context)


@only_for(can_search_accounts)
def search(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.GET)
    page = None
    if form.is_valid() and form.has_criteria():
        accounts = form.filter(ElectricityAccount.objects.visible_to(request.user))
        accounts = accounts.select_related("customer", "grid").order_by("number")
        page = Paginator(accounts, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    fragment = _is_htmx_fragment(request)
    template = "accounts/_search_results.html" if fragment else "accounts/search.html"
    response = render(request, template, {"form": form, "page": page, "fragment": fragment})
    # The same URL answers a whole page or, to htmx, only the results: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _is_htmx_fragment(request: HttpRequest) -> bool:
    """Whether htmx asked for the part of the page it swaps; restoring history needs the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
