"""How django-axes counts failed sign-ins: per account, whatever spelling was typed, and per client address.

Every sign-in (the portal's page, the admin's, anything else calling `authenticate`) passes django-axes'
backend, which asks `lockout_username` under what name to count the attempt. Counting the login *as typed*
let "Alice@Example.com" and "alice@example.com" (and the same user's mobile number) each have their own
five tries; resolving the login to the account it signs in to (accounts.backends.find_user) makes them one.

`PortalAxesHandler` adds a second, higher limit per client address across all logins (password spraying),
and keeps a successful sign-in from clearing that address's failures.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from accounts.backends import find_user


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The name failures are counted under: the account's user name, else the login as typed, folded."""
    login = (credentials or {}).get("username")
    if not isinstance(login, str) or not login.strip():
        return None
    # Axes asks several times per sign-in; look the account up once per request.
    cache = getattr(request, "_lockout_usernames", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._lockout_usernames = cache
    if login not in cache:
        user = find_user(login)
        # Unknown logins are folded too, so that case changes do not multiply the tries at them either.
        cache[login] = user.username if user is not None else login.strip().lower()[:150]
    return cache[login]


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, with settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] read as
    two limits: AXES_FAILURE_LIMIT per account, AXES_IP_FAILURE_LIMIT per address (spraying)."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.AXES_IP_FAILURE_LIMIT:
            # A spraying address is locked for every account: report it at the account limit.
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Clear the account's failures on success, never the address's: one account of their own must not
        let a sprayer wipe the count of their address."""
        account_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_attempts.delete()
        return count
