from django.urls import path

from stap.portals.public import period_views, proof_views, register_views, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("aanmeldingsbewijs-controleren/", proof_views.proof_check, name="proof_check"),
    path("aanvraagtijdvakken/", period_views.periods, name="periods"),
    path(
        "aanvraagtijdvakken/<int:pk>/deelnamenummers.txt",
        period_views.draw_entries,
        name="draw_entries",
    ),
    path("scholingsregister/", register_views.search, name="register"),
    path("scholingsregister/<uuid:scholings_id>/", register_views.offer, name="register_offer"),
]
