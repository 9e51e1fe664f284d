"""Fault repair's endpoints, mounted under /api/v1/work-orders/ in the `api` namespace (services.api_urls)."""

from django.urls import path

from services.repair import api

urlpatterns = [
    path("fault-reports/", api.FaultReportCreateApi.as_view(), name="fault-report-create"),
]
