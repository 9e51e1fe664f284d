"""The REST API, version 1 (mounted at /api/v1/ by portal.urls; the schema is at /api/schema/)."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts import api as accounts_api

app_name = "api"


@extend_schema(exclude=True)
class ApiRoot(APIView):
    """The API's entry points, and where its schema and documentation are."""

    # DRF's api_root style. Only names and addresses, nothing personal: open to anyone.

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "me": link("api:me"),
                "accounts": link("api:account-list"),
                "work-orders": link("api:work-order-list"),
                "complaints": link("api:complaint-list"),
                "outlets": link("api:outlet-finder"),
                "schema": link("api-schema"),
                "docs": link("api-docs"),
                "redoc": link("api-redoc"),
            }
        )


urlpatterns = [
    path("", ApiRoot.as_view(), name="root"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("accounts/", accounts_api.AccountListApi.as_view(), name="account-list"),
    # Before accounts/<number>/, which would otherwise take "link" for an account number.
    path("accounts/link/", accounts_api.AccountLinkApi.as_view(), name="account-link"),
    path("accounts/<str:number>/", accounts_api.AccountDetailApi.as_view(), name="account-detail"),
    path("accounts/<str:number>/link/", accounts_api.AccountUnlinkApi.as_view(), name="account-unlink"),
    path("", include("services.api_urls")),
    # Complaints (issue 9).
    path("complaints/", include("complaints.api_urls")),
    # Pre-sale (issue 11).
    path("", include("services.notices.api_urls")),
    path("", include("services.enquiries.kb_api_urls")),
    path("", include("services.tariffs.api_urls")),
    path("", include("billing.api_urls")),  # bills and payments (issue 14)
    path("", include("outlets.api_urls")),
    # In-sale (issue 12): /api/v1/business-applications/… and /api/v1/changes-of-use/.
    path("", include("services.connections.api_urls")),
    # Inspections of electricity use and anomaly flags (issue 13).
    path("inspections/", include("services.inspections.api_urls")),
    path("", include("dashboards.api_urls")),  # the dashboards' figures for a BI tool (issue 15)
    # Self-service kiosks (outlets.kiosk): device-authenticated, docs/kiosk-guide.md.
    path("kiosk/", include("outlets.kiosk.urls")),
]
