"""New connections' and changes of use's pages, mounted under services/ in the `services` namespace."""

from django.urls import path

from services.connections import views

urlpatterns = [
    path("connections/apply/", views.apply_connection, name="apply-connection"),
    path("connections/change/", views.apply_change, name="apply-change"),
    path("enter/connection/", views.enter_connection, name="enter-connection"),
    path("enter/change/", views.enter_change, name="enter-change"),
    path("connections/funnel/", views.funnel, name="connection-funnel"),
    path("connections/<str:number>/documents/", views.supply_documents, name="supply-documents"),
]
