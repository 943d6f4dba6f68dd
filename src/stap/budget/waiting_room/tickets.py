"""The waiting-room ticket: a person's place, signed, in a cookie of its own.

The DigiD session would time out during a long wait, so the place lives in a ticket instead:
signed with the site's key (``django.core.signing``, its own salt), naming the period, the entry
and the person — as a keyed hash of the BSN, never the BSN itself. Checking a ticket reads no
database and writes none; when the person is admitted and signs in again, the ticket must name
the person who signed in, so a ticket passed on to someone else is worth nothing.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT: Final = "stap.budget.waiting_room.ticket"
PERSON_SALT: Final = "stap.budget.waiting_room.person"
COOKIE: Final = "stap_wachtkamer"


class TicketRefused(Exception):
    """The ticket is forged, expired, for another period, or someone else's."""


@dataclass(frozen=True, slots=True)
class Ticket:
    period_id: int
    entry: str
    person: str  # person_key(bsn)
    place: int | None = None  # written in once the draw gave it, so polls need not look it up


def person_key(bsn: str) -> str:
    """The person, as a ticket names them: a keyed hash of the BSN that only this site can make."""
    return salted_hmac(PERSON_SALT, bsn, algorithm="sha256").hexdigest()


def issue(ticket: Ticket) -> str:
    """The cookie's value."""
    data = {"p": ticket.period_id, "e": ticket.entry, "n": ticket.person, "pl": ticket.place}
    return signing.dumps(data, salt=SALT, compress=False)


def read(value: str, *, period_id: int, max_age: dt.timedelta) -> Ticket:
    """The ticket in a cookie, if it is genuine, not older than ``max_age`` and for this period."""
    try:
        data = signing.loads(value, salt=SALT, max_age=max_age)
    except signing.BadSignature as refused:  # includes SignatureExpired
        raise TicketRefused(str(refused)) from refused
    try:
        place = data.get("pl")
        ticket = Ticket(
            period_id=int(data["p"]),
            entry=str(data["e"]),
            person=str(data["n"]),
            place=None if place is None else int(place),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as refused:
        raise TicketRefused("not a ticket") from refused
    if ticket.period_id != period_id:
        raise TicketRefused("for another period")
    return ticket


def belongs_to(ticket: Ticket, bsn: str) -> bool:
    """Whether the person signed in with ``bsn`` is the one the ticket was issued to."""
    return constant_time_compare(ticket.person, person_key(bsn))
