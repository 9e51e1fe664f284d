"""The outlets' API under /api/v1/outlets/ (included by portal.api_urls into the `api` namespace)."""

from django.urls import path

from outlets import api

urlpatterns = [
    path("outlets/", api.FinderApi.as_view(), name="outlet-finder"),
    path("outlets/tickets/", api.MyTicketsApi.as_view(), name="outlet-my-tickets"),
    path("outlets/tickets/<int:pk>/<slug:step>/", api.TicketStepApi.as_view(), name="outlet-ticket-step"),
    path("outlets/counters/<int:pk>/", api.CounterApi.as_view(), name="outlet-counter"),
    path("outlets/counters/<int:pk>/<slug:step>/", api.CounterStepApi.as_view(), name="outlet-counter-step"),
    path("outlets/statistics/", api.StatisticsApi.as_view(), name="outlet-statistics"),
    path("outlets/<str:code>/board/", api.BoardApi.as_view(), name="outlet-board"),
    path("outlets/<str:code>/tickets/", api.TakeTicketApi.as_view(), name="outlet-take-ticket"),
]
