from django.urls import path

from services.inspections import api

# Mounted at /api/v1/inspections/ in the api namespace (portal.api_urls).
urlpatterns = [
    path("", api.InspectionListApi.as_view(), name="inspection-list"),
    path("flags/", api.FlagListApi.as_view(), name="inspection-flag-list"),
    path("flags/<int:pk>/review/", api.FlagReviewApi.as_view(), name="inspection-flag-review"),
    path("<str:number>/", api.InspectionDetailApi.as_view(), name="inspection-detail"),
    path("<str:number>/checklist/", api.ChecklistApi.as_view(), name="inspection-checklist"),
    path("<str:number>/findings/", api.FindingApi.as_view(), name="inspection-findings"),
]
