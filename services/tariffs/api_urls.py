"""The tariff guide's endpoints, mounted under /api/v1/ in the `api` namespace (portal.api_urls)."""

from django.urls import path

from services.tariffs import api

urlpatterns = [
    path("tariffs/calculator/", api.CalculatorApi.as_view(), name="tariff-calculator"),
    path("tariffs/accounts/<str:number>/", api.AccountComparisonApi.as_view(), name="tariff-account"),
]
