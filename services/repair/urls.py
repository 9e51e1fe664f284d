"""Fault repair's pages, mounted under services/ in the `services` namespace (services.urls, from the registry)."""

from django.urls import path

from services.repair import views

urlpatterns = [
    path("report-fault/", views.report_fault, name="report-fault"),
    path("dispatch/", views.dispatcher, name="dispatcher"),
    path("enter/fault/", views.enter_fault, name="enter-fault"),
]
