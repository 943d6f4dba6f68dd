from django.urls import path

from stap.portals.provider import views

app_name = "provider"

urlpatterns = [
    path("", views.start, name="start"),
    path("toegekende-aanvragen/", views.overview, name="overview"),
    path("toegekende-aanvragen/export.csv", views.export, name="export"),
    path("toegekende-aanvragen/<str:aanvraagnummer>/", views.detail, name="detail"),
    path("sessie-verlengen/", views.extend_session, name="extend_session"),
    path("uitloggen/", views.sign_out, name="sign_out"),
]
