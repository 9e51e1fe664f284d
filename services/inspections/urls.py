from django.urls import path

from services.inspections import views

# Mounted under services/ in the services namespace (services.kinds.Kind.urls).
urlpatterns = [
    path("inspections/<str:number>/work/", views.work, name="inspection-work"),
    path("inspections/plans/", views.plans, name="inspection-plans"),
    path("inspections/flags/", views.flags, name="inspection-flags"),
    path("inspections/flags/<int:pk>/", views.flag, name="inspection-flag"),
    path("inspections/flags/<int:pk>/<str:decision>/", views.review_flag, name="inspection-flag-review"),
    path("inspections/theft-cases/", views.theft_cases, name="inspection-theft-cases"),
    path("inspections/theft-cases/<int:pk>/", views.theft_case, name="inspection-theft-case"),
]
