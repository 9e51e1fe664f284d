"""The work-order API under /api/v1/work-orders/: each registered kind's endpoints, then the backbone's.

A kind's fixed paths (fault-reports/) come first so that they are not read as an order number. Included by
portal.api_urls into the `api` namespace.
"""

from django.urls import include, path

from services import api, kinds

urlpatterns = [path("work-orders/", include(kind.api_urls)) for kind in kinds.all_kinds() if kind.api_urls]
urlpatterns += [
    path("work-orders/", api.WorkOrderListApi.as_view(), name="work-order-list"),
    path("work-orders/<str:number>/", api.WorkOrderDetailApi.as_view(), name="work-order-detail"),
    path(
        "work-orders/<str:number>/actions/<slug:action>/",
        api.WorkOrderActionApi.as_view(),
        name="work-order-action",
    ),
    path("work-orders/<str:number>/<slug:step>/", api.CustomerStepApi.as_view(), name="work-order-step"),
]
