from django.urls import path

from stap.portals.citizen import application_views, views, waiting_room_views

app_name = "citizen"

urlpatterns = [
    path("", views.start, name="start"),
    path("overzicht/", views.home, name="home"),
    path("sessie-verlengen/", views.extend_session, name="extend_session"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("wachtkamer/", waiting_room_views.waiting_room, name="waiting_room"),
    path("wachtkamer/plaats/", waiting_room_views.waiting_room_join, name="waiting_room_join"),
    path("wachtkamer/stand/", waiting_room_views.waiting_room_status, name="waiting_room_status"),
    path("aanvragen/", application_views.apply, name="apply"),
    path("aanvragen/<int:pk>/", application_views.application, name="application"),
    path(
        "aanvragen/<int:pk>/besluit.pdf",
        application_views.application_letter,
        name="application_letter",
    ),
    path(
        "aanvragen/<int:pk>/intrekken/",
        application_views.application_withdrawal,
        name="application_withdrawal",
    ),
]
