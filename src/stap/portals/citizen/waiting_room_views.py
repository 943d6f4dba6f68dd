"""The waiting room in front of the application form (ADR 0011).

Joining needs a DigiD sign-in (the place belongs to the person); waiting does not: the place is
a signed ticket in a cookie of its own, and the page that shows it reads no session, writes
nothing and asks the database at most once a second per process (``state.current_state``). It
refreshes itself (a meta refresh, so without JavaScript too). Once admitted, the person signs in
again if their DigiD session ran out, and the form checks the ticket against their BSN.
"""

import datetime as dt
from typing import Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from stap.budget.errors import PeriodRuleBroken
from stap.budget.models import ApplicationPeriod, WaitingRoomEntry
from stap.budget.waiting_room import tickets
from stap.budget.waiting_room.queue import join, position
from stap.budget.waiting_room.state import current_period, current_state
from stap.core import clock
from stap.core.middleware import leaves_the_session_alone
from stap.core.money import format_euros
from stap.identity.signin import CitizenContext, citizen_required

REFRESH_SECONDS: Final = 20
signed_in_citizen = citizen_required(start_url_name="citizen:start")


def ticket_of(request: HttpRequest, period: ApplicationPeriod) -> tickets.Ticket | None:
    """The waiting-room ticket in this request for ``period``, if it is genuine and current."""
    value = request.COOKIES.get(tickets.COOKIE)
    if not value:
        return None
    try:
        return tickets.read(value, period_id=period.pk, max_age=_ticket_age(period))
    except tickets.TicketRefused:
        return None


def _ticket_age(period: ApplicationPeriod) -> dt.timedelta:
    return period.closes_at - period.opens_at + dt.timedelta(days=30)


def _with_ticket(response: HttpResponse, ticket: tickets.Ticket, period: ApplicationPeriod) -> None:
    response.set_cookie(
        tickets.COOKIE,
        tickets.issue(ticket),
        max_age=int((period.closes_at - clock.now()).total_seconds()) + 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_POST
@signed_in_citizen
def waiting_room_join(request: HttpRequest, citizen: CitizenContext) -> HttpResponse:
    """Take (or find again) the signed-in person's place, and hand them its ticket."""
    period = current_period()
    if period is None:
        return redirect("citizen:waiting_room")
    try:
        entry = join(period=period, bsn=citizen.identity.bsn)
    except PeriodRuleBroken:
        return redirect("citizen:waiting_room")
    response = redirect("citizen:waiting_room")
    ticket = tickets.Ticket(
        period_id=period.pk,
        entry=entry.entry,
        person=tickets.person_key(citizen.identity.bsn),
        place=entry.place,
    )
    _with_ticket(response, ticket, period)
    return response


@require_safe
@leaves_the_session_alone
def waiting_room(request: HttpRequest) -> HttpResponse:
    state = current_state()
    if state is None:
        return render(request, "citizen/waiting_room.html", {"period": None})
    period = state.period
    now = clock.now()
    ticket = ticket_of(request, state.period)
    fill_in_place = (
        ticket is not None and ticket.place is None and state.period.drawn_at is not None
    )
    if fill_in_place:
        assert ticket is not None
        place = (
            WaitingRoomEntry.objects.filter(period=period, entry=ticket.entry)
            .values_list("place", flat=True)
            .first()
        )
        ticket = tickets.Ticket(
            period_id=ticket.period_id, entry=ticket.entry, person=ticket.person, place=place
        )
    where = position(state.period, ticket.place if ticket else None, now=now)
    context = {
        "period": state.period,
        "state": state,
        "ticket": ticket,
        "position": where,
        "is_open": state.is_open(now),
        "refresh": REFRESH_SECONDS if ticket is not None and not where.admitted else None,
    }
    response = render(request, "citizen/waiting_room.html", context)
    if fill_in_place and ticket is not None:
        _with_ticket(response, ticket, state.period)
    return response


@require_safe
@leaves_the_session_alone
def waiting_room_status(request: HttpRequest) -> JsonResponse:
    """What the waiting page's script polls: the place, who is ahead and the budget left. Reads
    only the ticket and the period's state (no query most of the time), writes nothing."""
    state = current_state()
    ticket = ticket_of(request, state.period) if state is not None else None
    if state is None or ticket is None:
        return JsonResponse({"ticket": False})
    where = position(state.period, ticket.place, now=clock.now())
    return JsonResponse(
        {
            "ticket": True,
            "drawn": state.period.drawn_at is not None,
            "place": where.place,
            "ahead": where.ahead,
            "wait_minutes": where.wait_minutes,
            "wait_text": ""
            if where.wait_minutes is None
            else ngettext(
                "ongeveer %(minutes)s minuut", "ongeveer %(minutes)s minuten", where.wait_minutes
            )
            % {"minutes": where.wait_minutes},
            "admitted": where.admitted,
            "budget_gone": state.budget_gone,
            "left": format_euros(state.left),
        }
    )
