from django.urls import path

from stap.identity.eherkenning import views

app_name = "eherkenning"

urlpatterns = [
    path("<slug:service>/login/", views.login, name="login"),
    path("acs/", views.acs, name="acs"),
]
