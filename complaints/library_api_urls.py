"""/api/v1/complaints/ meetings, actions and cases, in the `api` namespace (included by the API's URLconf)."""

from django.urls import path

from complaints import library_api as api

urlpatterns = [
    path("meetings/", api.MeetingListApi.as_view(), name="complaint-meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetailApi.as_view(), name="complaint-meeting-detail"),
    path("meetings/<int:pk>/minutes/", api.MinutesApi.as_view(), name="complaint-meeting-minutes"),
    path("meetings/<int:pk>/actions/", api.MeetingActionApi.as_view(), name="complaint-meeting-add-action"),
    path("actions/", api.ActionListApi.as_view(), name="complaint-action-list"),
    path("actions/<int:pk>/", api.ActionDetailApi.as_view(), name="complaint-action-detail"),
    path("actions/<int:pk>/done/", api.ActionDoneApi.as_view(), name="complaint-action-done"),
    path("actions/<int:pk>/cancel/", api.ActionCancelApi.as_view(), name="complaint-action-cancel"),
    path("cases/", api.CaseListApi.as_view(), name="complaint-case-list"),
    path("cases/study/", api.StudyListApi.as_view(), name="complaint-case-my-study"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="complaint-case-detail"),
    path("cases/<int:pk>/publish/", api.CasePublishApi.as_view(), name="complaint-case-publish"),
    path("cases/<int:pk>/withdraw/", api.CaseWithdrawApi.as_view(), name="complaint-case-withdraw"),
    path("cases/<int:pk>/assignments/", api.CaseAssignApi.as_view(), name="complaint-case-assign"),
    path("cases/<int:pk>/read/", api.CaseReadApi.as_view(), name="complaint-case-read"),
    path("cases/<int:pk>/study/", api.CaseStudyApi.as_view(), name="complaint-case-study"),
]
