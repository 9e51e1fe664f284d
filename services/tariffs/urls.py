"""The tariff guide's pages, mounted at /tariffs/ in the `tariffs` namespace (portal.urls)."""

from django.urls import path

from services.tariffs import views

app_name = "tariffs"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("account/<str:number>/", views.account_guide, name="account"),
    path("account/<str:number>/switch/", views.switch, name="switch"),
]
