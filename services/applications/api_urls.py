"""Service applications' endpoints, mounted under /api/v1/work-orders/ in the `api` namespace."""

from django.urls import path

from services.applications import api

urlpatterns = [
    path("service-applications/", api.ServiceApplicationCreateApi.as_view(), name="service-application-create"),
]
