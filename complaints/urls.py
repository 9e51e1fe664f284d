"""The complaints' pages, mounted at /complaints/ in the `complaints` namespace (portal.urls)."""

from django.urls import include, path

app_name = "complaints"

urlpatterns = [
    path("", include("complaints.library_urls")),
]
