"""The waiting room's queue: joining, the draw at the opening, and admission at the staff's pace.

- **Joining** gives a person one entry per period (a random entry number), however many tabs or
  devices they use. Before the draw it has no place; after the draw it gets the next place, in
  order of arrival.
- **The draw** runs once, at the opening (a task scheduled for the opening moment, and the
  reaper for a draw that is overdue): every entry waiting gets its place in the order of
  ``draw.draw_order`` with the seed whose commitment was published; the seed is published too.
- **Admission** needs no writes: the place admitted up to is a function of time — what was
  admitted when the pace last changed, plus the pace times the minutes since. At the draw, the
  first minute's worth of places is admitted at once.
"""

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from typing import Final

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from stap.budget.errors import PeriodRuleBroken
from stap.budget.models import ApplicationPeriod, WaitingRoomEntry
from stap.budget.waiting_room.draw import commitment, draw_key, new_seed
from stap.budget.waiting_room.tickets import person_key
from stap.core import clock
from stap.core.audit import Actor, audit_record

ENTRY_BYTES: Final = 5  # 10 hexadecimal digits: no two alike among millions, short to read out


def seed_and_commitment() -> tuple[str, str]:
    """A new period's secret seed and the commitment to publish before its opening."""
    seed = new_seed()
    return seed, commitment(seed)


def join(*, period: ApplicationPeriod, bsn: str) -> WaitingRoomEntry:
    """The person's entry in the period's waiting room, made on their first visit."""
    person = person_key(bsn)
    existing = WaitingRoomEntry.objects.filter(period=period, person=person).first()
    if existing is not None:
        return existing
    now = clock.now()
    if now >= period.closes_at:
        raise PeriodRuleBroken(_("Het aanvraagtijdvak is gesloten; de wachtkamer ook."))
    with transaction.atomic():
        # Serialises joining with the draw, so that no one is both too late for the draw and
        # without a place after it.
        locked = ApplicationPeriod.objects.select_for_update().get(pk=period.pk)
        existing = WaitingRoomEntry.objects.filter(period=period, person=person).first()
        if existing is not None:
            return existing
        place = None
        if locked.drawn_at is not None:
            place = locked.places_given + 1
            ApplicationPeriod.objects.filter(pk=period.pk).update(places_given=place)
        return WaitingRoomEntry.objects.create(
            period=period,
            person=person,
            entry=secrets.token_hex(ENTRY_BYTES).upper(),
            joined_at=now,
            place=place,
        )


def draw(*, period_id: int) -> bool:
    """Draw the places of everyone waiting, if the period has opened and was not drawn yet;
    returns whether this call drew. Safe to run twice, and from two workers at once."""
    with transaction.atomic():
        period = ApplicationPeriod.objects.select_for_update().get(pk=period_id)
        now = clock.now()
        if period.drawn_at is not None or now < period.opens_at:
            return False
        if not period.draw_seed:  # a period from before the waiting room: drawn all the same
            period.draw_seed, period.draw_commitment = seed_and_commitment()
        waiting = _place_in_drawn_order(period)
        period.drawn_at = now
        period.places_given = waiting
        period.admission_since = now
        period.admitted_before = period.admission_per_minute  # the first minute's people at once
        period.save(
            update_fields=[
                "draw_seed",
                "draw_commitment",
                "drawn_at",
                "places_given",
                "admission_since",
                "admitted_before",
            ]
        )
        audit_record(
            actor=Actor.system("wachtkamer"),
            action="budget.waiting_room_drawn",
            target=period,
            after={"waiting": waiting, "seed": period.draw_seed},
        )
    return True


def _place_in_drawn_order(period: ApplicationPeriod) -> int:
    if connection.vendor == "postgresql":
        return _place_in_sql(period)
    entries = list(WaitingRoomEntry.objects.filter(period=period).values_list("pk", "entry"))
    entries.sort(key=lambda item: (draw_key(period.draw_seed, item[1]), item[1]))
    placed = [WaitingRoomEntry(pk=pk, place=place) for place, (pk, _e) in enumerate(entries, 1)]
    WaitingRoomEntry.objects.bulk_update(placed, ["place"], batch_size=500)
    return len(placed)


def _place_in_sql(period: ApplicationPeriod) -> int:
    """The same order as ``draw.draw_order``, computed by PostgreSQL: SHA-256 of the seed's
    bytes followed by the entry number's, then the entry number."""
    table = connection.ops.quote_name(WaitingRoomEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS w SET place = drawn.place
            FROM (
                SELECT id, row_number() OVER (
                    ORDER BY sha256(decode(%s, 'hex') || convert_to(entry, 'UTF8')), entry
                ) AS place
                FROM {table} WHERE period_id = %s
            ) AS drawn
            WHERE w.id = drawn.id
            """,  # noqa: S608 - the table name comes from the model
            [period.draw_seed, period.pk],
        )
        placed: int = cursor.rowcount
    return placed


def draws_overdue() -> list[int]:
    """Draw every period that has opened without its draw (a reaper, ``STAP_REAPERS``)."""
    overdue = ApplicationPeriod.objects.filter(drawn_at__isnull=True, opens_at__lte=clock.now())
    return [pk for pk in overdue.values_list("pk", flat=True) if draw(period_id=pk)]


def admitted_up_to(period: ApplicationPeriod, *, now: dt.datetime) -> int:
    """Everyone with a place up to this one may go to the application form now."""
    if period.drawn_at is None or period.admission_since is None:
        return 0
    minutes = max((now - period.admission_since).total_seconds(), 0) / 60
    return period.admitted_before + math.floor(period.admission_per_minute * minutes)


@transaction.atomic
def admission_pace_set(*, actor: Actor, period: ApplicationPeriod, per_minute: int) -> None:
    """Change how many people per minute are admitted; who was admitted stays admitted."""
    locked = ApplicationPeriod.objects.select_for_update().get(pk=period.pk)
    now = clock.now()
    before = locked.admission_per_minute
    if locked.drawn_at is not None:
        locked.admitted_before = admitted_up_to(locked, now=now)
        locked.admission_since = now
    locked.admission_per_minute = per_minute
    locked.save(update_fields=["admitted_before", "admission_since", "admission_per_minute"])
    audit_record(
        actor=actor,
        action="budget.admission_pace_set",
        target=locked,
        before={"per_minute": before},
        after={"per_minute": per_minute},
    )


@dataclass(frozen=True, kw_only=True)
class Position:
    place: int | None
    admitted: bool
    ahead: int
    wait_minutes: int | None


def position(period: ApplicationPeriod, place: int | None, *, now: dt.datetime) -> Position:
    """Where someone with ``place`` stands, and roughly how long until they are admitted."""
    if place is None:
        return Position(place=None, admitted=False, ahead=0, wait_minutes=None)
    admitted = admitted_up_to(period, now=now)
    ahead = max(place - admitted, 0)
    wait = math.ceil(ahead / period.admission_per_minute) if period.admission_per_minute else None
    return Position(place=place, admitted=ahead == 0, ahead=ahead, wait_minutes=wait)


def entries_in_draw(period: ApplicationPeriod) -> list[str]:
    """The published list: the entry numbers that took part in the draw (those placed by it)."""
    if period.drawn_at is None:
        return []
    return list(
        WaitingRoomEntry.objects.filter(period=period, joined_at__lte=period.drawn_at)
        .order_by("entry")
        .values_list("entry", flat=True)
    )
