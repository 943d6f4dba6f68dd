from django.urls import path

from stap.testbroker import views
from stap.testbroker.identity_provider import DIGID

app_name = "testbroker"

urlpatterns = [
    path("", views.start, name="start"),
    path("sso/", views.sso, name="sso"),
    path("inloggen/<str:token>/", views.login, name="login"),
    path("ars/", views.artifact_resolution, name="ars"),
    path("digid/sso/", views.digid_sso, name="digid_sso"),
    path("digid/inloggen/<str:token>/", views.digid_login, name="digid_login"),
    path("digid/ars/", views.artifact_resolution, {"side": DIGID}, name="digid_ars"),
]
