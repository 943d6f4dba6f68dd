"""Response headers from the transport-security section of the Logius API Design Rules."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self' {form_targets}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds CSP and no-store caching to every response that does not set its own.

    ``form-action`` must also allow the identity broker: signing in posts a form to it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        targets = [settings.STAP_BASE_URL]
        if settings.STAP_TESTBROKER_ENABLED:
            targets.append(settings.STAP_TESTBROKER_BASE_URL)
        if settings.STAP_EHERKENNING_IDP_SSO_URL:
            targets.append(
                "{0.scheme}://{0.netloc}".format(urlsplit(settings.STAP_EHERKENNING_IDP_SSO_URL))
            )
        self.csp = _CONTENT_SECURITY_POLICY.format(form_targets=" ".join(targets))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
