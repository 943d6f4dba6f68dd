from django.urls import path

from stap.identity.digid import views

app_name = "digid"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("acs/", views.acs, name="acs"),
]
