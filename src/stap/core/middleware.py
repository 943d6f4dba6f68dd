"""Response headers from the transport-security section of the Logius API Design Rules, and
the session middleware that can leave the session alone."""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

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
        sso_urls = (settings.STAP_EHERKENNING_IDP_SSO_URL, settings.STAP_DIGID_IDP_SSO_URL)
        targets.extend("{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in sso_urls if url)
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


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except for views marked ``leaves_the_session_alone``: their responses never
    save the session. ``SESSION_SAVE_EVERY_REQUEST`` (the idle timeout) would otherwise write
    the session on every request — and a waiting room polled by 300,000 people must not write
    to the database at all. Such a view does not renew the idle timeout either."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, _LEAVE_ALONE, False):
            return response
        return super().process_response(request, response)


_LEAVE_ALONE = "stap_leaves_the_session_alone"
View = Callable[..., HttpResponseBase]


def leaves_the_session_alone(view: View) -> View:
    """Mark a view whose responses never save the session (see ``SessionMiddleware``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        setattr(request, _LEAVE_ALONE, True)
        return view(request, *args, **kwargs)

    return wrapper
