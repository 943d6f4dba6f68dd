from django.urls import path

from stap.portals.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.sign_in, name="login"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("organisaties/", views.organisations, name="organisations"),
    path("aanvragen/", views.applications, name="applications"),
]
