"""The home page, one per kind of visitor: the public landing page, a customer's accounts, a staff member's unit.

Each variant runs a fixed number of queries whatever the number of accounts, readings or 台区
(tests/portal/test_home.py counts them).
"""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static

from accounts.consumption import recent_consumption
from accounts.models import Department, ServiceGrid, User
from services import figures
from services.notices.views import notices_for_customer

CUSTOMER_ACCOUNTS_PER_PAGE = 10
GRIDS_PER_PAGE = 25


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_anonymous.html")
    if user.is_customer:
        return customer_home(request, user)
    if user.department_id is None:
        return company_home(request)
    return department_home(request, user)


def customer_home(request: HttpRequest, user: User) -> HttpResponse:
    """Each linked account with its latest twelve months of consumption, or a call to link one, and the outage
    notices on their 台区."""
    accounts = user.linked_accounts.select_related("customer", "grid").order_by("number")
    page = Paginator(accounts, CUSTOMER_ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    consumption = recent_consumption(page.object_list)
    cards = [(account, consumption[account.pk]) for account in page.object_list]
    # Outage notices on the 台区 of any of their accounts (issue 11): two queries, however many accounts.
    context = {"page": page, "cards": cards, "notices": notices_for_customer(user)}
    return render(request, "portal/home_customer.html", context)


def department_home(request: HttpRequest, user: User) -> HttpResponse:
    """The staff member's department, and every 台区 under it with its figures; a grid manager's own first."""
    department = Department.objects.select_related("parent").get(pk=user.department_id)
    own_first = Case(When(manager_id=user.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
    grids = ServiceGrid.objects.filter(department__in=Department.objects.subtree_of(department))
    ordered_ids = grids.order_by(own_first, "code").values_list("pk", flat=True)
    page = Paginator(ordered_ids, GRIDS_PER_PAGE).get_page(request.GET.get("page"))
    # The counts are the roll-up's (services.figures, every five minutes): counting customers here grew with
    # the department's accounts, 72,000 of them for a grid manager of the demo city.
    rows = (
        grids.filter(pk__in=list(page.object_list))
        .select_related("department", "manager")
        .annotate(
            customer_count=F("figures__customers"),
            account_count=F("figures__accounts"),
            open_order_count=F("figures__open_orders"),
            counted_at=F("figures__refreshed_at"),
        )
        .order_by(own_first, "code")
    )
    context = {"department": department, "page": page, "grids": rows}
    return render(request, "portal/home_staff.html", context)


def company_home(request: HttpRequest) -> HttpResponse:
    """For an administrator outside the department tree: its top level, each unit with the units below it."""
    tops = Department.objects.filter(parent__isnull=True).prefetch_related("children").order_by("code")
    totals = {
        "departments": Department.objects.count(),
        "grids": ServiceGrid.objects.count(),
        # Summed over the roll-up's row per 台区: counting a million accounts took longer than the whole page.
        **figures.company_totals(),
    }
    return render(request, "portal/home_company.html", {"departments": tops, "totals": totals})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers ask for on pages without an icon link (the admin): the portal's icon."""
    return HttpResponseRedirect(static("favicon.svg"))
