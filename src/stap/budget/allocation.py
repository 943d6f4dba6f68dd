"""Allocation: a grant takes money from the period and a place under the offer's cap, and the
person's one grant of the year — all three or none, and never more than there is.

Hundreds of submissions arrive at the same moment across several web processes, so nothing here
reads a total and then writes it. Each limit is one row and one conditional ``UPDATE``:

- the person's grant of the year: ``Application.grant_year`` under a unique constraint on
  (BSN, year) — the second grant's write fails;
- the cap: ``OfferYearGrants.grants = grants + 1 WHERE grants < cap``;
- the money: ``ApplicationPeriod.granted = granted + amount WHERE granted + amount <= pool``,
  and a check constraint that refuses any value above the pool.

PostgreSQL re-checks an ``UPDATE``'s condition on the row's newest version after waiting for a
concurrent writer, so two grants can never both take the last euro. The period's row is every
grant's bottleneck, so it is taken last, just before the transaction commits.
"""

from decimal import Decimal
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, TextChoices
from django.utils.translation import gettext_lazy as _

from stap.budget.models import (
    Application,
    ApplicationPeriod,
    ApplicationStatus,
    GrantCap,
    OfferYearGrants,
)
from stap.core.errors import DomainError

# The statuses in which an application holds its money, its place under the cap and the person's
# grant of the year; a withdrawn or cancelled grant gives all three back.
HOLDING: Final = frozenset(
    {
        ApplicationStatus.PROVISIONALLY_GRANTED,
        ApplicationStatus.SETTLED,
        ApplicationStatus.RECLAIMED,
    }
)


class NotGrantedReason(TextChoices):
    ALREADY_GRANTED_THIS_YEAR = (
        "al_toegekend_dit_jaar",
        _(
            "U heeft dit kalenderjaar al een STAP-budget gekregen. U kunt één STAP-budget per "
            "kalenderjaar krijgen."
        ),
    )
    CAP_REACHED = (
        "verleningsgrens",
        _(
            "Voor deze opleiding zijn dit kalenderjaar al zoveel STAP-budgetten toegekend als de "
            "regeling toestaat (de verleningsgrens). Kies een andere opleiding."
        ),
    )
    BUDGET_GONE = (
        "budget_op",
        _(
            "Het budget van dit aanvraagtijdvak is op. U kunt het in een volgend tijdvak opnieuw "
            "proberen."
        ),
    )


class NotGranted(DomainError):
    code = "application_not_granted"

    def __init__(self, reason: NotGrantedReason) -> None:
        super().__init__(reason.label)
        self.reason = reason


def cap_for(year: int) -> int:
    """The most grants one offer may hold in ``year``."""
    cap = GrantCap.objects.filter(year=year).values_list("maximum", flat=True).first()
    return settings.STAP_GRANT_CAP if cap is None else cap


def take(application: Application, *, year: int) -> None:
    """Let ``application`` hold a grant in ``year`` (inside the caller's transaction): the
    person's one grant of the year, a place under its offer's cap, and its amount from its
    period's pool. Raises ``NotGranted``, having changed nothing."""
    with transaction.atomic():  # a savepoint: a refusal undoes the steps before it
        _take_the_year(application, year)
        _take_a_place(application.cohort.offer_id, year)
        _take_the_money(application.period_id, application.amount, assisted=application.assisted)


def release(application: Application) -> None:
    """Give back what ``application`` held (inside the caller's transaction)."""
    if application.grant_year is None:
        return
    OfferYearGrants.objects.filter(
        offer_id=application.cohort.offer_id, year=application.grant_year
    ).update(grants=F("grants") - 1)
    pool = "granted_reserved" if application.assisted else "granted"
    ApplicationPeriod.objects.filter(pk=application.period_id).update(
        **{pool: F(pool) - application.amount}
    )
    Application.objects.filter(pk=application.pk).update(grant_year=None)
    application.grant_year = None


def _take_the_year(application: Application, year: int) -> None:
    try:
        with transaction.atomic():
            Application.objects.filter(pk=application.pk).update(grant_year=year)
    except IntegrityError as taken:
        raise NotGranted(NotGrantedReason.ALREADY_GRANTED_THIS_YEAR) from taken
    application.grant_year = year


def _take_a_place(offer_id: int, year: int) -> None:
    OfferYearGrants.objects.bulk_create(
        [OfferYearGrants(offer_id=offer_id, year=year)], ignore_conflicts=True
    )
    taken = OfferYearGrants.objects.filter(
        offer_id=offer_id, year=year, grants__lt=cap_for(year)
    ).update(grants=F("grants") + 1)
    if not taken:
        raise NotGranted(NotGrantedReason.CAP_REACHED)


def _take_the_money(period_id: int, amount: Decimal, *, assisted: bool) -> None:
    pool = "granted_reserved" if assisted else "granted"
    size = F("reserved_budget") if assisted else F("budget") - F("reserved_budget")
    taken = (
        ApplicationPeriod.objects.filter(pk=period_id)
        .filter(**{f"{pool}__lte": size - amount})
        .update(**{pool: F(pool) + amount})
    )
    if not taken:
        raise NotGranted(NotGrantedReason.BUDGET_GONE)
