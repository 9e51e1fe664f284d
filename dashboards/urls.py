from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("notes/", views.annotate, name="annotate"),
    path("targets/", views.targets_page, name="targets"),
    path("scorecards/", views.scorecards_page, name="scorecards"),
    path("scorecards/mine/", views.my_scorecard, name="my-scorecard"),
    path("import/", views.import_figures, name="import"),
]
