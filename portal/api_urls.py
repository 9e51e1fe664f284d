"""The REST API, version 1 (mounted at /api/v1/ by portal.urls; the schema is at /api/schema/)."""

from django.urls import path

from accounts import api as accounts_api
from services import api as services_api

app_name = "api"
urlpatterns = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("accounts/", accounts_api.AccountListApi.as_view(), name="account-list"),
    # Before accounts/<number>/, which would otherwise take "link" for an account number.
    path("accounts/link/", accounts_api.AccountLinkApi.as_view(), name="account-link"),
    path("accounts/<str:number>/", accounts_api.AccountDetailApi.as_view(), name="account-detail"),
    path("accounts/<str:number>/link/", accounts_api.AccountUnlinkApi.as_view(), name="account-unlink"),
    path("work-orders/", services_api.WorkOrderListApi.as_view(), name="work-order-list"),
    path("work-orders/fault-reports/", services_api.FaultReportCreateApi.as_view(), name="fault-report-create"),
    path(
        "work-orders/service-applications/",
        services_api.ServiceApplicationCreateApi.as_view(),
        name="service-application-create",
    ),
    path("work-orders/<str:number>/", services_api.WorkOrderDetailApi.as_view(), name="work-order-detail"),
    path("work-orders/<str:number>/chase/", services_api.ChaseApi.as_view(), name="work-order-chase"),
    path("work-orders/<str:number>/confirm/", services_api.ConfirmApi.as_view(), name="work-order-confirm"),
    path("work-orders/<str:number>/dispute/", services_api.DisputeApi.as_view(), name="work-order-dispute"),
    path(
        "work-orders/<str:number>/actions/<slug:action>/",
        services_api.WorkOrderActionApi.as_view(),
        name="work-order-action",
    ),
]
