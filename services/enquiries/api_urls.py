"""Enquiries' endpoint, mounted under /api/v1/work-orders/ in the `api` namespace."""

from django.urls import path

from services.enquiries import api

urlpatterns = [
    path("enquiries/", api.EnquiryCreateApi.as_view(), name="enquiry-create"),
]
