"""What the signed-in portals share about the idle session."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def session_extended(request: HttpRequest, *, fallback: str) -> HttpResponse:
    """Renew the session (any request does; the expiry warning asks for it explicitly) and go
    back to the page the person was on, or to ``fallback`` (a URL name)."""
    request.session.modified = True
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"extended": True})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(fallback)
