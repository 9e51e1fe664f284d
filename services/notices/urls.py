"""Outage notices' pages, mounted at /notices/ in the `notices` namespace (portal.urls)."""

from django.urls import path

from services.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.new, name="new"),
    path("history/", views.outage_history, name="history"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
