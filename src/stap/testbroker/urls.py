from django.urls import path

from stap.testbroker import views

app_name = "testbroker"

urlpatterns = [
    path("", views.start, name="start"),
    path("sso/", views.sso, name="sso"),
    path("inloggen/<str:token>/", views.login, name="login"),
    path("ars/", views.artifact_resolution, name="ars"),
]
