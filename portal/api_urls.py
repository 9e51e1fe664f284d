"""The REST API, version 1 (mounted at /api/v1/ by portal.urls; the schema is at /api/schema/)."""

from django.urls import include, path

from accounts import api as accounts_api

app_name = "api"
urlpatterns = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("accounts/", accounts_api.AccountListApi.as_view(), name="account-list"),
    # Before accounts/<number>/, which would otherwise take "link" for an account number.
    path("accounts/link/", accounts_api.AccountLinkApi.as_view(), name="account-link"),
    path("accounts/<str:number>/", accounts_api.AccountDetailApi.as_view(), name="account-detail"),
    path("accounts/<str:number>/link/", accounts_api.AccountUnlinkApi.as_view(), name="account-unlink"),
    path("", include("services.api_urls")),
]
