"""Bills and payments under /api/v1/ (portal.api_urls)."""

from django.urls import path

from billing import api

urlpatterns = [
    path("bills/", api.BillListApi.as_view(), name="bill-list"),
    path("bills/<int:id>/", api.BillDetailApi.as_view(), name="bill-detail"),
    path("payments/", api.PaymentStartApi.as_view(), name="payment-start"),
    # Before payments/<reference>/, which would otherwise take "callback" for a reference.
    path("payments/callback/", api.CallbackApi.as_view(), name="payment-callback"),
    path("payments/<str:reference>/", api.PaymentDetailApi.as_view(), name="payment-detail"),
]
