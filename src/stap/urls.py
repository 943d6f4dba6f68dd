from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from stap.portals.public import views as public_views

# SAML endpoints (eHerkenning, DigiD) and the test broker live outside the language prefix: the
# brokers and the metadata name these URLs exactly, so they cannot change with the language.
urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("eherkenning/", include("stap.identity.eherkenning.urls")),
    path("digid/", include("stap.identity.digid.urls")),
]

if settings.STAP_TESTBROKER_ENABLED:
    urlpatterns.append(path("testbroker/", include("stap.testbroker.urls")))

urlpatterns += i18n_patterns(
    # Before the public pages: it replaces their "nog niet beschikbaar" page at the same path.
    path("mijn-stap-budget/", include("stap.portals.citizen.urls")),
    path("", include("stap.portals.public.urls")),
    path("opleidersportaal/", include("stap.portals.provider.urls")),
    path("mijn-duo-zakelijk/", include("stap.portals.duo.urls")),
    path("backoffice/", include("stap.portals.backoffice.urls")),
    prefix_default_language=False,
)

handler400 = public_views.bad_request
handler403 = public_views.permission_denied
handler404 = public_views.page_not_found
handler500 = public_views.server_error
