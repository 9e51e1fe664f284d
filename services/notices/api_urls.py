"""Outage notices' endpoints, mounted under /api/v1/notices/ in the `api` namespace (portal.api_urls)."""

from django.urls import path

from services.notices import api

urlpatterns = [
    path("notices/", api.NoticeListApi.as_view(), name="notice-list"),
    path("notices/<int:pk>/", api.NoticeDetailApi.as_view(), name="notice-detail"),
]
