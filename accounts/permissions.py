"""Who may do what. Pages and the API both ask here.

Objects a user may not see are filtered out by the models' `visible_to()` (so they answer 404); actions a
user may not take answer 403. tests/accounts/test_page_access.py and test_api_access.py hold every page and
endpoint to this.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User


def is_employee(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_employee


def is_customer(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_customer


def can_search_accounts(user: User | AnonymousUser) -> bool:
    """Every member of staff may look up any account: requests pass between units, never back to the customer."""
    return is_employee(user)


def can_link_accounts(user: User | AnonymousUser) -> bool:
    return is_customer(user)


class IsEmployee(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_employee(request.user)


class IsCustomer(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_customer(request.user)


View = Callable[..., HttpResponse]


def only_for(allowed: Callable[..., bool]) -> Callable[[View], View]:
    """Sign-in required (else the login page), then 403 unless `allowed(user)`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator
