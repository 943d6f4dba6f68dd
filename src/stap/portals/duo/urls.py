from django.urls import path

from stap.portals.duo import views

app_name = "duo"

urlpatterns = [
    path("", views.start, name="start"),
    path("inloggen-tokengenerator/", views.token_sign_in_view, name="token_sign_in"),
    path("tokengenerator-instellen/", views.enrol_start, name="enrol_start"),
    path("tokengenerator-instellen/code/", views.enrol_confirm, name="enrol_confirm"),
    path("start/", views.home, name="home"),
    path("mijn-gegevens/", views.profile, name="profile"),
    path("koppelen-aan-eherkenning/", views.link, name="link"),
    path("koppelen-aan-eherkenning/resultaat/", views.link_result, name="link_result"),
    path("autorisatiebeheer/", views.users, name="users"),
    path("autorisatiebeheer/<int:user_id>/", views.user_roles, name="user_roles"),
    path("toegang-aanvragen/", views.access_request, name="access_request"),
    path("rollen-ophalen/", views.claim, name="claim"),
    path("sessie-verlengen/", views.extend_session, name="extend_session"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("toegang-mijn-duo/", views.access_form, name="access_form"),
    path("toegang-mijn-duo/uploaden/", views.access_form_upload, name="access_form_upload"),
    path("toegang-mijn-duo/<str:reference>/", views.access_form_ready, name="access_form_ready"),
    path(
        "toegang-mijn-duo/<str:reference>/formulier.pdf",
        views.access_form_pdf,
        name="access_form_pdf",
    ),
]
