"""The second stage: does a well-formed row fit the register, for this provider, today?

The register is looked up in bulk (``RegisterFacts``): once per scholings-ID in the file, a
thousand at a time, and kept for the rest of the run, so a file of a hundred thousand rows costs
as many queries as it has distinct offers divided by a thousand. Rules that compare rows with each
other (the same student twice) are not here: they run over the whole upload in the database
(``staging``), so that memory stays flat however long the file is.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from stap.core.pension import aow_date, eighteenth_birthday
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.rules import Finding
from stap.enrolments.prereg.structure import Values
from stap.register.eligibility import EXPLANATIONS, NotEligible, eligibility_by_offer
from stap.register.models import Cohort, Offer
from stap.register.values import CohortStatus

STAP_MAXIMUM: Final = Decimal("1000.00")
LOOKUP_BATCH: Final = 1_000


@dataclass(frozen=True, slots=True)
class CohortFacts:
    id: int
    code: str
    is_open: bool
    start_date: dt.date
    last_start: dt.date
    end_date: dt.date
    subsidisable_amount: Decimal


@dataclass(frozen=True, slots=True)
class OfferFacts:
    id: int
    organisation_id: int
    is_multi_year: bool
    # Why the offer cannot be chosen, leaving out "no open cohort": a row names its own cohort,
    # and the cohort rules say what is wrong with it.
    not_eligible: tuple[NotEligible, ...]
    cohorts: Mapping[str, CohortFacts]


class RegisterFacts:
    """What the content rules need to know of the register on ``on``, per scholings-ID."""

    def __init__(self, *, on: dt.date) -> None:
        self.on = on
        self._offers: dict[uuid.UUID, OfferFacts | None] = {}

    def load(self, scholings_ids: Iterable[uuid.UUID]) -> None:
        """Look up the offers not looked up before."""
        wanted = [key for key in set(scholings_ids) if key not in self._offers]
        for start in range(0, len(wanted), LOOKUP_BATCH):
            batch = wanted[start : start + LOOKUP_BATCH]
            self._offers.update(dict.fromkeys(batch))
            self._load(batch)

    def digests(self) -> dict[str, str]:
        """A fingerprint of what is known of each offer looked up, by scholings-ID: when an
        offer's fingerprint is the same later on the same day, every rule gives the same
        answer for its rows (``committing``)."""
        return {str(key): digest(facts) for key, facts in self._offers.items()}

    def offer(self, scholings_id: uuid.UUID) -> OfferFacts | None:
        if scholings_id not in self._offers:
            self.load([scholings_id])
        return self._offers[scholings_id]

    def _load(self, batch: list[uuid.UUID]) -> None:
        offers = Offer.objects.filter(scholings_id__in=batch)
        rows = list(
            offers.values_list(
                "pk", "scholings_id", "provider__organisation_id", "training__is_multi_year"
            )
        )
        if not rows:
            return
        reasons = eligibility_by_offer(offers, on=self.on)
        cohorts: dict[int, dict[str, CohortFacts]] = {pk: {} for pk, *_rest in rows}
        for cohort in Cohort.objects.filter(offer__in=[pk for pk, *_rest in rows]).values(
            "pk",
            "offer_id",
            "code",
            "status",
            "start_date",
            "intake_end",
            "end_date",
            "subsidisable_amount",
        ):
            cohorts[cohort["offer_id"]][cohort["code"]] = CohortFacts(
                id=cohort["pk"],
                code=cohort["code"],
                is_open=cohort["status"] == CohortStatus.OPEN,
                start_date=cohort["start_date"],
                last_start=cohort["intake_end"] or cohort["start_date"],
                end_date=cohort["end_date"],
                subsidisable_amount=cohort["subsidisable_amount"],
            )
        for pk, scholings_id, organisation_id, is_multi_year in rows:
            self._offers[scholings_id] = OfferFacts(
                id=pk,
                organisation_id=organisation_id,
                is_multi_year=is_multi_year,
                not_eligible=tuple(
                    reason for reason in reasons[pk] if reason != NotEligible.NO_OPEN_COHORT
                ),
                cohorts=cohorts[pk],
            )


def digest(facts: OfferFacts | None) -> str:
    """``OfferFacts`` in 16 hex digits; the same facts always give the same digits."""
    if facts is None:
        return "-"
    cohorts = sorted(facts.cohorts.items())
    text = repr((facts.id, facts.organisation_id, facts.is_multi_year, facts.not_eligible, cohorts))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Match:
    """The offer and cohort a row is about, once found."""

    offer: OfferFacts
    cohort: CohortFacts


def check_content(
    values: Values, *, organisation_id: int | None, facts: RegisterFacts, today: dt.date
) -> tuple[list[Finding], Match | None]:
    """Stage two for one well-formed row: the findings, and what it matched in the register
    (``None`` when the offer or cohort was not found). ``organisation_id`` ``None`` leaves out
    the rule that the offer is the provider's own."""
    found: list[Finding] = []
    offer = facts.offer(values.scholings_id)
    if offer is None:
        return [rules.OFFER_UNKNOWN(value=str(values.scholings_id))], None
    if organisation_id is not None and offer.organisation_id != organisation_id:
        return [rules.OFFER_OTHER_PROVIDER(value=str(values.scholings_id))], None
    if offer.not_eligible:
        reasons = "; ".join(str(EXPLANATIONS[reason]) for reason in offer.not_eligible)
        found.append(rules.OFFER_NOT_ELIGIBLE(reason=reasons))
    cohort = offer.cohorts.get(values.cohort_code)
    if cohort is None:
        found.append(rules.COHORT_UNKNOWN(value=values.cohort_code))
        return found, None
    if not cohort.is_open:
        found.append(rules.COHORT_CLOSED(value=cohort.code))

    _check_amount(values.amount, cohort, found)
    reference_day = _check_dates(values, offer, cohort, today, found)
    if reference_day < eighteenth_birthday(values.birth_date):
        found.append(rules.TOO_YOUNG())
    elif (pension_day := aow_date(values.birth_date)) <= reference_day:
        found.append(rules.PAST_PENSION_AGE(date=_shown(pension_day)))
    return found, Match(offer=offer, cohort=cohort)


def _check_amount(amount: Decimal, cohort: CohortFacts, found: list[Finding]) -> None:
    if amount <= 0:
        found.append(rules.AMOUNT_NOT_POSITIVE())
    elif amount > STAP_MAXIMUM:
        found.append(rules.AMOUNT_ABOVE_MAXIMUM(value=_euros(amount)))
    elif amount > cohort.subsidisable_amount:
        found.append(
            rules.AMOUNT_ABOVE_COHORT(
                value=_euros(amount), limit=_euros(cohort.subsidisable_amount)
            )
        )
    elif amount < min(cohort.subsidisable_amount, STAP_MAXIMUM):
        found.append(
            rules.AMOUNT_BELOW_COHORT(
                value=_euros(amount), cohort=_euros(cohort.subsidisable_amount)
            )
        )


def _check_dates(
    values: Values,
    offer: OfferFacts,
    cohort: CohortFacts,
    today: dt.date,
    found: list[Finding],
) -> dt.date:
    """The date rules; returns the day the student's age counts on (the start, or for a
    multi-year programme the start of the study year)."""
    has_study_year = values.study_year_start is not None
    if offer.is_multi_year and not has_study_year:
        found.append(rules.STUDY_YEAR_REQUIRED())
    if not offer.is_multi_year and has_study_year:
        found.append(rules.STUDY_YEAR_NOT_ALLOWED())
    if offer.is_multi_year and values.study_year_start and values.study_year_end:
        if values.study_year_start < cohort.start_date or values.study_year_end > cohort.end_date:
            found.append(
                rules.STUDY_YEAR_OUTSIDE_COHORT(
                    window=f"{_shown(cohort.start_date)} – {_shown(cohort.end_date)}"
                )
            )
        return values.study_year_start
    if not cohort.start_date <= values.start_date <= cohort.last_start:
        window = (
            _shown(cohort.start_date)
            if cohort.last_start == cohort.start_date
            else f"{_shown(cohort.start_date)} – {_shown(cohort.last_start)}"
        )
        found.append(rules.START_OUTSIDE_INTAKE(value=_shown(values.start_date), window=window))
    if not offer.is_multi_year and values.start_date < today:
        found.append(rules.START_IN_THE_PAST(value=_shown(values.start_date)))
    if values.end_date is not None and values.end_date != cohort.end_date:
        found.append(
            rules.END_DIFFERS(value=_shown(values.end_date), cohort=_shown(cohort.end_date))
        )
    return values.start_date


def _shown(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def _euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
