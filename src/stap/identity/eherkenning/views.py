from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def login(request: HttpRequest, service: str) -> HttpResponse:
    return HttpResponse(
        "eHerkenning sign-in is being built.", status=503, content_type="text/plain"
    )
