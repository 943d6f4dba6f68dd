from django.urls import path

from stap.portals.duo import feed_views, register_views, views

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
    path("scholingsaanbod/", register_views.overview, name="register"),
    path("scholingsaanbod/feed/", feed_views.feed_upload, name="register_feed"),
    path("scholingsaanbod/feed/<int:run_id>/", feed_views.feed_run, name="register_feed_run"),
    path(
        "scholingsaanbod/feed/<int:run_id>/voortgang.json",
        feed_views.feed_run_status,
        name="register_feed_run_status",
    ),
    path(
        "scholingsaanbod/feed/<int:run_id>/verwerkingsverslag.csv",
        feed_views.feed_report_csv,
        name="register_feed_report",
    ),
    path("scholingsaanbod/aanbieder/", register_views.provider_edit, name="register_provider"),
    path(
        "scholingsaanbod/opleidingen/nieuw/",
        register_views.training_new,
        name="register_training_new",
    ),
    path(
        "scholingsaanbod/opleidingen/<str:code>/",
        register_views.training_detail,
        name="register_training",
    ),
    path(
        "scholingsaanbod/opleidingen/<str:code>/aanbod-toevoegen/",
        register_views.offer_new,
        name="register_offer_new",
    ),
    path(
        "scholingsaanbod/aanbod/<uuid:scholings_id>/",
        register_views.offer_detail,
        name="register_offer",
    ),
    path(
        "scholingsaanbod/aanbod/<uuid:scholings_id>/startmoment-toevoegen/",
        register_views.cohort_new,
        name="register_cohort_new",
    ),
    path(
        "scholingsaanbod/startmomenten/<int:cohort_id>/",
        register_views.cohort_detail,
        name="register_cohort",
    ),
    path(
        "scholingsaanbod/startmomenten/<int:cohort_id>/status/",
        register_views.cohort_status,
        name="register_cohort_status",
    ),
]
