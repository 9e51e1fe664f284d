"""The backbone's pages, and each registered kind's own (services.kinds.Kind.urls), in one `services` namespace.

A kind's patterns come first: its fixed paths (report-fault/, apply/) must not be read as an order number.
"""

from django.urls import include, path

from services import kinds, views

app_name = "services"

urlpatterns = [path("", include(kind.urls)) for kind in kinds.all_kinds() if kind.urls]
urlpatterns += [
    path("", views.my_requests, name="my-requests"),
    path("queue/", views.my_queue, name="my-queue"),
    path("queue/team/", views.team_queue, name="team-queue"),
    path("queue/closed/", views.closed_orders, name="closed-orders"),
    path("inbox/", views.inbox, name="inbox"),
    path("rate/<str:token>/", views.return_visit, name="return-visit"),
    path("<str:number>/", views.order_detail, name="order"),
    path("<str:number>/attachments/", views.upload, name="upload"),
    path("<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/actions/<slug:action>/", views.act, name="act"),
    # A customer's step: chase, and each kind's own (services.steps): /services/<number>/confirm/ and the like.
    path("<str:number>/<slug:step>/", views.customer_step, name="step"),
]
