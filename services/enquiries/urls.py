"""Enquiries' entry pages, mounted under services/ in the `services` namespace (services.urls)."""

from django.urls import path

from services.enquiries import views

urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("enter/enquiry/", views.enter_enquiry, name="enter-enquiry"),
]
