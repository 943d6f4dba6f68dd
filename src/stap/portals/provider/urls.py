from django.urls import path

from stap.portals.provider import prereg_views, proof_views, views

app_name = "provider"

urlpatterns = [
    path("", views.start, name="start"),
    path("toegekende-aanvragen/", views.overview, name="overview"),
    path("toegekende-aanvragen/export.csv", views.export, name="export"),
    path("toegekende-aanvragen/<str:aanvraagnummer>/", views.detail, name="detail"),
    path("aanmeldingsbewijzen/", proof_views.proofs, name="proofs"),
    path("aanmeldingsbewijzen/nieuw/", proof_views.proof_new, name="proof_new"),
    path("aanmeldingsbewijzen/<int:proof_id>/", proof_views.proof_detail, name="proof_detail"),
    path("aanmeldingsbewijzen/<int:proof_id>/pdf/", proof_views.proof_pdf, name="proof_pdf"),
    path(
        "aanmeldingsbewijzen/<int:proof_id>/intrekken/",
        proof_views.proof_revoke_view,
        name="proof_revoke",
    ),
    path(
        "aanmeldingsbewijzen/<int:proof_id>/vervangen/",
        proof_views.proof_replace_view,
        name="proof_replace",
    ),
    path("vooraanmeldingen/", prereg_views.pre_registrations, name="pre_registrations"),
    path(
        "vooraanmeldingen/nieuw/",
        prereg_views.pre_registration_new,
        name="pre_registration_new",
    ),
    path("vooraanmeldingen/bestanden/", prereg_views.uploads, name="uploads"),
    path("vooraanmeldingen/bestanden/nieuw/", prereg_views.upload_new, name="upload_new"),
    path("vooraanmeldingen/bestanden/<int:upload_id>/", prereg_views.upload, name="upload"),
    path(
        "vooraanmeldingen/bestanden/<int:upload_id>/voortgang.json",
        prereg_views.upload_status,
        name="upload_status",
    ),
    path(
        "vooraanmeldingen/bestanden/<int:upload_id>/verwerken/",
        prereg_views.upload_commit,
        name="upload_commit",
    ),
    path(
        "vooraanmeldingen/bestanden/<int:upload_id>/verslag.csv",
        prereg_views.upload_report,
        name="upload_report",
    ),
    path(
        "vooraanmeldingen/bestanden/<int:upload_id>/bestand/",
        prereg_views.upload_file,
        name="upload_file",
    ),
    path(
        "vooraanmeldingen/bestanden/<int:upload_id>/regels/<int:number>/",
        prereg_views.row_fix,
        name="row_fix",
    ),
    path("sessie-verlengen/", views.extend_session, name="extend_session"),
    path("uitloggen/", views.sign_out, name="sign_out"),
]
