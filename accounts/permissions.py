"""Who may do what. Pages and the API both ask here.

Objects a user may not see are filtered out by the models' `visible_to()` (so they answer 404); actions a
user may not take answer 403. tests/accounts/test_page_access.py and test_api_access.py hold every page and
endpoint to this.
"""

from django.contrib.auth.models import AnonymousUser
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
