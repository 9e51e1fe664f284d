"""The complaints' endpoints, mounted at /api/v1/complaints/ in the `api` namespace (portal.api_urls)."""

from django.urls import include, path

from complaints import api

urlpatterns = [
    # Meetings, improvement actions and the case library: before <number>/, which would take "meetings".
    path("", include("complaints.library_api_urls")),
    path("", api.ComplaintListApi.as_view(), name="complaint-list"),
    path("history/", api.ComplaintHistoryApi.as_view(), name="complaint-history"),
    path("<str:number>/", api.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("<str:number>/actions/<str:action>/", api.ComplaintActionApi.as_view(), name="complaint-act"),
]
