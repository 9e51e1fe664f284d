"""The complaints' pages, mounted at /complaints/ in the `complaints` namespace (portal.urls)."""

from django.urls import include, path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("file/", views.file, name="file"),
    path("enter/", views.enter, name="enter"),
    path("history/", views.history, name="history"),
    path("queue/", views.queue, name="queue"),
    path("watch/", views.watch, name="watch"),
    path("reports/<str:number>/", views.report, name="report"),
    # Analysis meetings, improvement actions and the typical-case library.
    path("", include("complaints.library_urls")),
]
