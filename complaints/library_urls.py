"""Pages of analysis meetings, improvement actions and the case library, in the `complaints` namespace
(included by complaints.urls)."""

from django.urls import path

from complaints import library_views as views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_open, name="meeting-open"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/actions/", views.meeting_add_action, name="meeting-add-action"),
    path("actions/", views.action_list, name="actions"),
    path("actions/mine/", views.my_actions, name="my-actions"),
    path("actions/<int:pk>/", views.action_page, name="action"),
    path("actions/<int:pk>/done/", views.action_complete, name="action-complete"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action-cancel"),
    path("actions/<int:pk>/evidence/", views.action_evidence, name="action-evidence"),
    path("library/", views.library, name="library"),
    path("library/study/", views.my_study, name="my-study"),
    path("library/<int:pk>/", views.case_page, name="case"),
    path("library/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("library/<int:pk>/publish/", views.case_publish, name="case-publish"),
    path("library/<int:pk>/withdraw/", views.case_withdraw, name="case-withdraw"),
    path("library/<int:pk>/read/", views.case_read, name="case-read"),
    path("library/<int:pk>/assign/", views.case_assign, name="case-assign"),
    path("library/<int:pk>/study/", views.case_study, name="case-study"),
    path("library/from/", views.case_start, name="case-start"),
    path("library/from/<str:number>/", views.case_new, name="case-new"),
]
