from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.my_requests, name="my-requests"),
    path("report-fault/", views.report_fault, name="report-fault"),
    path("apply/", views.file_application, name="file-application"),
    path("queue/", views.my_queue, name="my-queue"),
    path("queue/team/", views.team_queue, name="team-queue"),
    path("dispatch/", views.dispatcher, name="dispatcher"),
    path("enter/fault/", views.enter_fault, name="enter-fault"),
    path("enter/application/", views.enter_application, name="enter-application"),
    path("inbox/", views.inbox, name="inbox"),
    path("rate/<str:token>/", views.return_visit, name="return-visit"),
    path("<str:number>/", views.order_detail, name="order"),
    path("<str:number>/chase/", views.chase, name="chase"),
    path("<str:number>/confirm/", views.confirm, name="confirm"),
    path("<str:number>/dispute/", views.dispute, name="dispute"),
    path("<str:number>/attachments/", views.upload, name="upload"),
    path("<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/actions/<slug:action>/", views.act, name="act"),
]
