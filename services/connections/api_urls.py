"""New connections' and changes of use's endpoints, mounted at /api/v1/ in the `api` namespace."""

from django.urls import path

from services.connections import api

urlpatterns = [
    path("business-applications/", api.BusinessApplicationCreateApi.as_view(), name="business-application-create"),
    path("business-applications/funnel/", api.FunnelApi.as_view(), name="business-application-funnel"),
    path(
        "business-applications/<str:number>/",
        api.BusinessApplicationDetailApi.as_view(),
        name="business-application-detail",
    ),
    path(
        "business-applications/<str:number>/documents/",
        api.SupplyDocumentsApi.as_view(),
        name="business-application-documents",
    ),
    path("changes-of-use/", api.ChangeOfUseCreateApi.as_view(), name="change-of-use-create"),
]
