"""The complaints' endpoints, mounted at /api/v1/complaints/ in the `api` namespace (portal.api_urls)."""

from django.urls import path

from complaints import api

urlpatterns = [
    path("", api.ComplaintListApi.as_view(), name="complaint-list"),
    path("history/", api.ComplaintHistoryApi.as_view(), name="complaint-history"),
    path("<str:number>/", api.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("<str:number>/actions/<str:action>/", api.ComplaintActionApi.as_view(), name="complaint-act"),
]
