"""The forms of the accounts pages: sign-in, registration, linking an account, the staff's account search.

Every form renders its widgets with Bootstrap's classes through PortalBoundField; Django itself ties each
input to its help text and errors (aria-describedby, aria-invalid), and templates/includes/field.html gives
those the ids it expects.
"""

import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import identity, ratelimits
from accounts.backends import MAX_LOGIN_LENGTH
from accounts.models import (
    AccountStatus,
    CustomerClass,
    ElectricityAccountQuerySet,
    User,
    account_number_validator,
    phone_validator,
)

# The longest password any form takes: the registration's, so that every password set can be typed at sign-in.
PASSWORD_MAX_LENGTH = 128
# The limits of text fields that set none of their own (PortalFormMixin): a line, and a free-text box.
LINE_MAX_LENGTH = 1000
TEXTAREA_MAX_LENGTH = 10_000
# Digits for an ID card (its last may be X); digits and capitals for a business licence's credit code.
PROOF_RE = re.compile(rf"^[0-9A-Z]{{{identity.NUMBER_LENGTH}}}$")


class PortalBoundField(forms.BoundField):
    """A bound field whose widget carries Bootstrap's classes, and `is-invalid` when the field has errors."""

    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [attrs.get("class", ""), _bootstrap_class(widget)]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(name for name in classes if name)
        return attrs


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # RadioSelect: each option's input
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class PortalFormMixin:
    """What every form of the portal shares: Bootstrap's look, and a length limit on every text field."""

    bound_field_class = PortalBoundField

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _limit_length(field)


def _limit_length(field: forms.Field) -> None:
    """Give a text field that has no max_length one, so that no form passes a 100 KB value on to a query or
    a save (where the database refuses it with a 500) or to a password hasher. Django's own password forms
    declare none, nor do fields whose author forgot: this covers them all."""
    if not isinstance(field, forms.CharField) or field.max_length is not None:
        return
    if isinstance(field.widget, forms.PasswordInput):
        field.max_length = PASSWORD_MAX_LENGTH
    elif isinstance(field.widget, forms.Textarea):
        field.max_length = TEXTAREA_MAX_LENGTH
    else:
        field.max_length = LINE_MAX_LENGTH
    field.validators.append(MaxLengthValidator(field.max_length))
    field.widget.attrs.setdefault("maxlength", str(field.max_length))


class LoginForm(PortalFormMixin, auth_forms.AuthenticationForm):
    """Sign in with whatever the person registered with: mobile number, e-mail address or user name."""

    # Both with max_length given here: AuthenticationForm sets the user name's afterwards, on the attribute
    # only, so that a 100 KB login reached the database (a 500) instead of being a field error.
    username = auth_forms.UsernameField(
        label=_("Mobile number, e-mail or user name"),
        max_length=MAX_LOGIN_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegistrationForm(PortalFormMixin, forms.Form):
    """A customer's web login: one mobile number or e-mail address, and a password."""

    login = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=150,  # it becomes the user name (accounts.actions.register_customer)
        help_text=_("An 11-digit mobile number, or an e-mail address. You will sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        if login.isdigit():
            phone_validator(login)
        else:
            validate_email(login)
            login = login.lower()
        if User.objects.filter(Q(phone=login) | Q(email__iexact=login) | Q(username__iexact=login)).exists():
            raise ValidationError(_("This mobile number or e-mail is already registered."), code="duplicate")
        return login

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif password1 and "login" in cleaned:
            self._validate_password(password1, login=cleaned["login"])
        return cleaned

    def _validate_password(self, password: str, *, login: str) -> None:
        # The validators compare the password with the user's attributes, so give them the would-be user.
        email = "" if login.isdigit() else login
        candidate = User(username=login, email=email, full_name=self.cleaned_data.get("full_name", ""))
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            self.add_error("password1", error)


class LinkAccountForm(PortalFormMixin, forms.Form):
    """An account number, and the proof that the customer holds it: the holder's whole identity number.

    Nothing the portal shows (the masked number gives only its first and last characters) shortens it.
    """

    number = forms.CharField(
        label=_("Account number"),
        max_length=20,
        help_text=_("The 10-digit account number (户号) printed on your electricity bill."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    proof = forms.CharField(
        label=_("Identity number of the account holder"),
        max_length=30,  # 18 characters, with room for the spaces people type between groups
        help_text=_(
            "The whole 18-character ID card number of the holder, or the unified social credit code on the "
            "business licence of an organisation, as registered for this account."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        # People copy the number from a bill, where it is often printed in groups of digits.
        number = re.sub(r"\s+", "", self.cleaned_data["number"])
        account_number_validator(number)
        return number

    def clean_proof(self) -> str:
        proof = identity.normalize(self.cleaned_data["proof"])
        if not PROOF_RE.match(proof):
            raise ValidationError(
                _("Enter the whole 18-character identity number (digits and capitals; an ID card may end in X)."),
                code="invalid_proof",
            )
        return proof


class AccountSearchForm(PortalFormMixin, forms.Form):
    """The staff's look-up of electricity accounts: by number prefix or customer name, and two filters."""

    q = forms.CharField(
        label=_("Account number or customer name"),
        max_length=100,
        required=False,
        help_text=_("The beginning of an account number, or a part of the customer's name."),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *AccountStatus.choices]
    )
    customer_class = forms.ChoiceField(
        label=_("Customer class"), required=False, choices=[("", _("Any class")), *CustomerClass.choices]
    )

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("q", "status", "customer_class"))

    def filter(self, accounts: ElectricityAccountQuerySet) -> ElectricityAccountQuerySet:
        data = self.cleaned_data
        accounts = accounts.search(data["q"])
        if data["status"]:
            accounts = accounts.filter(status=data["status"])
        if data["customer_class"]:
            accounts = accounts.filter(customer_class=data["customer_class"])
        return accounts


class PasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    """Django's, refusing (code "throttled") after too many wrong old passwords: someone at a session left
    open must not be able to guess the password and take the account over."""

    def clean_old_password(self) -> str:
        key = str(self.user.pk)
        with transaction.atomic():
            # The user's row serialises parallel tries, so that they cannot pass the count together.
            User.objects.select_for_update().filter(pk=self.user.pk).values_list("pk", flat=True).get()
            if ratelimits.is_limited("password_change", key):
                error = ValidationError(ratelimits.refusal_message("password_change"), code="throttled")
            else:
                try:
                    return super().clean_old_password()
                except ValidationError as wrong:
                    ratelimits.hit("password_change", key)  # raised after the block, so the hit is kept
                    error = wrong
        raise error


class PasswordResetForm(PortalFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(PortalFormMixin, auth_forms.SetPasswordForm):
    pass
