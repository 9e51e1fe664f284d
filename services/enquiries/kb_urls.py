"""The knowledge base's pages, mounted at /kb/ in the `kb` namespace (portal.urls)."""

from django.urls import path

from services.enquiries import views

app_name = "kb"

urlpatterns = [
    path("", views.index, name="index"),
    path("suggest/", views.suggest, name="suggest"),
    path("review/", views.review, name="review"),
    path("new/", views.write, name="new"),
    path("figures/", views.dashboard, name="figures"),
    path("<int:pk>/", views.article, name="article"),
    path("<int:pk>/helpful/", views.helpful, name="helpful"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/<slug:action>/", views.change_status, name="status"),
]
