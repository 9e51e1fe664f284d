"""The outlets' pages under /outlets/ (namespace `outlets`)."""

from django.urls import path

from outlets import views

app_name = "outlets"

urlpatterns = [
    path("", views.finder_page, name="finder"),
    path("my-tickets/", views.my_tickets, name="my-tickets"),
    path("my-tickets/<int:pk>/cancel/", views.cancel_my_ticket, name="cancel-ticket"),
    path("appointments/<int:pk>/cancel/", views.cancel_my_appointment, name="cancel-appointment"),
    path("slots/<int:pk>/book/", views.book_slot, name="book-slot"),
    path("counter/", views.counter_desk, name="counter"),
    path("counter/<int:pk>/<slug:action>/", views.counter_act, name="counter-act"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_act, name="ticket-act"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("planning/", views.planning_page, name="planning"),
    path("<str:code>/", views.outlet_page, name="outlet"),
    path("<str:code>/ticket/", views.take_ticket, name="take-ticket"),
    path("<str:code>/board/", views.board_page, name="board"),
    path("<str:code>/board/live/", views.board_live, name="board-live"),
]
