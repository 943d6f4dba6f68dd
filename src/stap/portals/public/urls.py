from django.urls import path

from stap.portals.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("mijn-stap-budget/", views.not_available, {"face": "citizen"}, name="citizen"),
    path("scholingsregister/", views.not_available, {"face": "register"}, name="register"),
]
