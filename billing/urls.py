"""Billing's pages, mounted at /billing/ in the `billing` namespace (portal.urls)."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.home, name="home"),
    path("arrears/", views.arrears, name="arrears"),
    path("accounts/<str:number>/", views.account, name="account"),
    path("accounts/<str:number>/pay/", views.pay, name="pay"),
    path("accounts/<str:number>/counter-payment/", views.counter_payment, name="counter-payment"),
    path("accounts/<str:number>/disconnect/", views.disconnect, name="disconnect"),
    path("accounts/<str:number>/reconnect/", views.reconnect, name="reconnect"),
    path("bills/<int:pk>/", views.bill, name="bill"),
    path("bills/<int:pk>/pdf/", views.bill_pdf, name="bill-pdf"),
    path("bills/<int:pk>/invoice/", views.invoice_pdf, name="invoice-pdf"),
    path("payments/<str:reference>/", views.payment, name="payment"),
    path("sandbox/<str:reference>/", views.sandbox, name="sandbox"),
]
