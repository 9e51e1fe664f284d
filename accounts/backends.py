"""Sign-in by user name, mobile number or e-mail address, whichever the person typed."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User

# No login is longer: user names have 150 characters at most, e-mail addresses 254, mobile numbers 11.
MAX_LOGIN_LENGTH = 254


def find_user(login: str) -> User | None:
    """The account a typed login names: its user name, mobile number or e-mail address (any case).

    accounts.lockout counts failed sign-ins against the account this returns, so both must resolve a login
    alike: ordered by pk, so that a login matching two accounts always resolves to the same one.
    """
    login = login.strip()
    if not login or len(login) > MAX_LOGIN_LENGTH:
        # Every caller is covered, the admin's sign-in too: its form does not enforce its own max_length.
        return None
    matches = User.objects.filter(Q(username=login) | Q(phone=login) | Q(email__iexact=login))
    return matches.order_by("pk").first()


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ) -> User | None:
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check, so response time does not reveal which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
