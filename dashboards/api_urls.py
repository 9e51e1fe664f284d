"""The figures' API under /api/v1/figures/ (included by portal.api_urls into the `api` namespace)."""

from django.urls import path

from dashboards import api

urlpatterns = [
    path("figures/", api.SummaryApi.as_view(), name="figures-summary"),
    path("figures/measures/", api.MeasureApi.as_view(), name="figures-measures"),
    path("figures/daily/", api.DailyApi.as_view(), name="figures-daily"),
]
