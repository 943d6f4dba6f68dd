from django.urls import path

from stap.portals.backoffice import budget_views, duo_views, register_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.sign_in, name="login"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("organisaties/", views.organisations, name="organisations"),
    path("aanvragen/", views.applications, name="applications"),
    path("aanvragen/nieuw/", budget_views.apply_on_behalf, name="apply_on_behalf"),
    path("aanvragen/<int:pk>/", budget_views.application, name="application"),
    path(
        "aanvragen/<int:pk>/besluit.pdf", budget_views.application_letter, name="application_letter"
    ),
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
    path("tijdvakken/", budget_views.periods, name="periods"),
    path("tijdvakken/nieuw/", budget_views.period_new, name="period_new"),
    path("tijdvakken/<int:pk>/", budget_views.period, name="period"),
    path("verleningsgrens/", budget_views.grant_caps, name="grant_caps"),
    path("brp/", budget_views.residents, name="residents"),
    path("studiefinanciering/", budget_views.student_finance, name="student_finance"),
    path("aanbieders/", register_views.providers, name="providers"),
    path("aanbieders/<str:code>/", register_views.provider, name="provider"),
]
