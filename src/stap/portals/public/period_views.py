"""The application periods and their draws, public: before an opening the commitment to the
draw's seed, after it the seed and the entry numbers that took part, so that anyone can
recompute the order (``python -m stap.budget.waiting_room.draw SEED ENTRIES_FILE``)."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from stap.budget.models import ApplicationPeriod
from stap.budget.waiting_room.queue import entries_in_draw
from stap.core import clock


@require_safe
def periods(request: HttpRequest) -> HttpResponse:
    context = {"periods": ApplicationPeriod.objects.order_by("-opens_at"), "now": clock.now()}
    return render(request, "public/periods.html", context)


@require_safe
def draw_entries(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The entry numbers in the draw, one per line; 404 until the draw has run."""
    period = get_object_or_404(ApplicationPeriod, pk=pk, drawn_at__isnull=False)
    response = StreamingHttpResponse(
        (f"{entry}\n" for entry in entries_in_draw(period)),
        content_type="text/plain; charset=us-ascii",
    )
    response["Content-Disposition"] = f'attachment; filename="loting-tijdvak-{period.pk}.txt"'
    return response
