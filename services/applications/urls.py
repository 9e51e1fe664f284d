"""Service applications' pages, mounted under services/ in the `services` namespace (services.urls)."""

from django.urls import path

from services.applications import views

urlpatterns = [
    path("apply/", views.file_application, name="file-application"),
    path("enter/application/", views.enter_application, name="enter-application"),
]
