from django.urls import path

from stap.portals.backoffice import duo_views, register_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.sign_in, name="login"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("organisaties/", views.organisations, name="organisations"),
    path("aanvragen/", views.applications, name="applications"),
    path("toegang-mijn-duo/", duo_views.access_requests, name="access_requests"),
    path("toegang-mijn-duo/<str:reference>/", duo_views.access_request, name="access_request"),
    path(
        "toegang-mijn-duo/<str:reference>/ondertekend-formulier.pdf",
        duo_views.access_request_signed_form,
        name="access_request_signed_form",
    ),
    path(
        "organisaties/<str:kvk_number>/overstapbericht/",
        duo_views.switch_notice,
        name="switch_notice",
    ),
    path("aanbieders/", register_views.providers, name="providers"),
    path("aanbieders/<str:code>/", register_views.provider, name="provider"),
]
