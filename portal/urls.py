from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from portal import health, views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("healthz", health.healthz, name="healthz"),
        path("healthz/monitor", health.monitor, name="healthz-monitor"),
        path("favicon.ico", views.favicon, name="favicon"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("accounts/", include("accounts.urls")),
    path("services/", include("services.urls")),
    # Complaints (issue 9).
    path("complaints/", include("complaints.urls")),
    # Pre-sale (issue 11).
    path("notices/", include("services.notices.urls")),
    path("kb/", include("services.enquiries.kb_urls")),
    path("tariffs/", include("services.tariffs.urls")),
    path("billing/", include("billing.urls")),  # bills and payment (issue 14)
    path("outlets/", include("outlets.urls")),
    path("kiosk/", include("outlets.kiosk.page_urls")),  # a kiosk receipt to print (outlets.kiosk.receipts)
    path("dashboards/", include("dashboards.urls")),  # managers' dashboards, targets, scorecards (issue 15)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
