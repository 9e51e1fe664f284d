"""Every change to accounts that matters: registration and linking an electricity account."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ElectricityAccount, LinkAttempt, Role, User


class LinkRefused(Exception):
    """Linking was refused; the message says why, in the user's language, and is safe to show."""

    def __init__(self, message: str, *, field: str = "proof", throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, "__all__" for the whole form
        self.throttled = throttled  # too many wrong proofs recently: the API answers 429


@transaction.atomic
def register_customer(*, login: str, password: str, full_name: str = "", language: str = "zh-hans") -> User:
    """Create a customer's web login from a mobile number or an e-mail address (already validated)."""
    is_phone = login.isdigit()
    user = User(
        username=login.lower(),
        phone=login if is_phone else "",
        email="" if is_phone else login.lower(),
        full_name=full_name,
        role=Role.CUSTOMER,
        language=language,
    )
    user.set_password(password)
    user.save()
    return user


def link_account(*, by: User, number: str, proof: str) -> ElectricityAccount:
    """Link the account `number` to the customer `by`, who proves it with the holder's whole identity number.

    Raises LinkRefused, having changed nothing but the attempt record, when the account is unknown, the
    proof is wrong, the account is linked to someone else, or `by` made too many wrong proofs recently (for
    this account, or for any). Unknown account and wrong proof answer alike, so the form cannot be used to
    discover which account numbers exist. Wrong proofs count against the one who made them only: nobody can
    lock the rightful holder out of their own account.
    """
    with transaction.atomic():
        # The user's row is the lock that makes the limit hold under parallel requests: each attempt counts
        # the failures before it only once the one before has recorded its own (tests/accounts/
        # test_link_concurrency.py). SQLite serialises the whole transaction anyway (IMMEDIATE).
        User.objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True).get()
        refusal = _throttle(by=by, number=number)
        if refusal is None:
            account = (
                ElectricityAccount.objects.select_for_update().select_related("customer").filter(number=number).first()
            )
            refusal = _refusal(account, by=by, proof=proof)
            now = timezone.now()
            LinkAttempt.objects.create(user=by, account_number=number, succeeded=refusal is None, attempted_at=now)
            if refusal is None:
                if account.linked_user_id != by.pk:
                    account.linked_user, account.linked_at = by, now
                    account.save(update_fields=["linked_user", "linked_at"])
                return account
    raise refusal


def _throttle(*, by: User, number: str) -> LinkRefused | None:
    """Refuse when `by` made too many wrong proofs in the window: for this account, or for any account."""
    since = timezone.now() - settings.LINK_FAILURE_WINDOW
    failed = LinkAttempt.objects.filter(user=by, succeeded=False, attempted_at__gte=since)
    for_account = failed.filter(account_number=number).count()
    if for_account < settings.LINK_FAILURE_LIMIT and failed.count() < settings.LINK_USER_FAILURE_LIMIT:
        return None
    minutes = int(settings.LINK_FAILURE_WINDOW.total_seconds() // 60)
    return LinkRefused(
        _("Too many wrong attempts. Please try again in %(minutes)d minutes or visit a business hall.")
        % {"minutes": minutes},
        field="__all__",
        throttled=True,
    )


def _refusal(account: ElectricityAccount | None, *, by: User, proof: str) -> LinkRefused | None:
    if account is None or not account.customer.holds_identity_number(proof):
        return LinkRefused(_("The account number and the identity number do not match our records."))
    if account.linked_user_id not in (None, by.pk):
        return LinkRefused(
            _(
                "This account is already linked to another customer. "
                "Please bring your identity document to a business hall."
            ),
            field="number",
        )
    return None


@transaction.atomic
def unlink_account(account: ElectricityAccount, *, by: User) -> None:
    """Remove the link between a customer and one of their accounts."""
    account = ElectricityAccount.objects.select_for_update().get(pk=account.pk, linked_user=by)
    account.linked_user, account.linked_at = None, None
    account.save(update_fields=["linked_user", "linked_at"])
