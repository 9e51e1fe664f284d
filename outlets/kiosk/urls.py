"""The kiosk API's URLs, mounted at /api/v1/kiosk/ in the api namespace (portal.api_urls)."""

from django.urls import path

from outlets.kiosk import api, billing_api

urlpatterns = [
    path("heartbeat/", api.HeartbeatApi.as_view(), name="kiosk-heartbeat"),
    path("sessions/", api.SessionStartApi.as_view(), name="kiosk-session-start"),
    path("sessions/current/", api.SessionEndApi.as_view(), name="kiosk-session-end"),
    path("accounts/", api.AccountListApi.as_view(), name="kiosk-accounts"),
    path("accounts/<str:number>/usage/", api.UsageApi.as_view(), name="kiosk-usage"),
    # Billing (issue 14).
    path("accounts/<str:number>/bills/", billing_api.BillsApi.as_view(), name="kiosk-bills"),
    path("accounts/<str:number>/payments/", billing_api.PaymentStartApi.as_view(), name="kiosk-payment-start"),
    path("outages/", api.OutageListApi.as_view(), name="kiosk-outages"),
    path("orders/", api.OrderListApi.as_view(), name="kiosk-orders"),
    path("filings/", api.FilingKindListApi.as_view(), name="kiosk-filing-kinds"),
    path("filings/<slug:kind>/", api.FileRequestApi.as_view(), name="kiosk-file"),
    path("tickets/", api.TicketIssueApi.as_view(), name="kiosk-tickets"),
    path("appointments/<str:reference>/check-in/", api.CheckInApi.as_view(), name="kiosk-check-in"),
]
