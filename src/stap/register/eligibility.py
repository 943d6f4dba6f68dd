"""Whether an offer can be chosen for the STAP-budget on a given day, and why not.

An offer is eligible when its provider holds a valid recognition, neither the provider nor the
training is excluded, the provider offers it for STAP (toestemmingDeelnameSTAP) and it has an
open cohort that someone can still start. The public register shows only eligible offers; the
application flow uses the reasons.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.register.models import Cohort, Exclusion, Offer, Recognition
from stap.register.values import CohortStatus, StapPermission


class NotEligible(StrEnum):
    NOT_RECOGNISED = "provider_not_recognised"
    PROVIDER_EXCLUDED = "provider_excluded"
    TRAINING_EXCLUDED = "training_excluded"
    NOT_OFFERED_FOR_STAP = "not_offered_for_stap"
    NO_OPEN_COHORT = "no_open_cohort"


# For providers and staff: why an offer cannot be chosen, as a clause after "because". The public
# register words these for citizens (portals/public/register_views.py).
EXPLANATIONS: dict[NotEligible, Promise] = {
    NotEligible.NOT_RECOGNISED: _("de aanbieder heeft vandaag geen geldige erkenning"),
    NotEligible.PROVIDER_EXCLUDED: _("de aanbieder is uitgesloten"),
    NotEligible.TRAINING_EXCLUDED: _("de opleiding is uitgesloten"),
    NotEligible.NOT_OFFERED_FOR_STAP: _("de aanbieder biedt dit niet aan voor STAP"),
    NotEligible.NO_OPEN_COHORT: _("er is geen open cohort waarin iemand nog kan beginnen"),
}


def _valid_recognition(on: dt.date) -> Exists:
    return Exists(
        Recognition.objects.filter(provider=OuterRef("provider"), valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
    )


def _exclusion(on: dt.date, **target: OuterRef) -> Exists:
    return Exists(Exclusion.objects.filter(starts_on__lte=on, lifted_at__isnull=True, **target))


def _open_cohort(on: dt.date) -> Exists:
    return Exists(
        Cohort.objects.filter(offer=OuterRef("pk"), status=CohortStatus.OPEN).filter(
            Q(start_date__gte=on) | Q(intake_end__gte=on)
        )
    )


def recognised_offers(*, on: dt.date) -> QuerySet[Offer]:
    """The offers that are eligible as soon as they have a cohort that suits: the provider is
    recognised, nothing is excluded, and it is offered for STAP."""
    return (
        Offer.objects.filter(stap_permission=StapPermission.GRANTED)
        .filter(_valid_recognition(on))
        .exclude(_exclusion(on, provider=OuterRef("provider")))
        .exclude(_exclusion(on, training=OuterRef("training")))
    )


def eligible_offers(*, on: dt.date) -> QuerySet[Offer]:
    return recognised_offers(on=on).filter(_open_cohort(on))


def offer_eligibility(offer: Offer, *, on: dt.date) -> list[NotEligible]:
    """Every reason ``offer`` cannot be chosen on ``on``; empty when it can."""
    return eligibility_by_offer(Offer.objects.filter(pk=offer.pk), on=on)[offer.pk]


def eligibility_by_offer(offers: QuerySet[Offer], *, on: dt.date) -> dict[int, list[NotEligible]]:
    """``offer_eligibility`` for many offers in one query: offer id → reasons (empty: eligible)."""
    rows = offers.annotate(
        recognised=_valid_recognition(on),
        provider_excluded=_exclusion(on, provider=OuterRef("provider")),
        training_excluded=_exclusion(on, training=OuterRef("training")),
        open_cohort=_open_cohort(on),
    ).values(
        "pk",
        "stap_permission",
        "recognised",
        "provider_excluded",
        "training_excluded",
        "open_cohort",
    )
    return {row["pk"]: _reasons(row) for row in rows}


def _reasons(flags: dict[str, Any]) -> list[NotEligible]:
    reasons = []
    if not flags["recognised"]:
        reasons.append(NotEligible.NOT_RECOGNISED)
    if flags["provider_excluded"]:
        reasons.append(NotEligible.PROVIDER_EXCLUDED)
    if flags["training_excluded"]:
        reasons.append(NotEligible.TRAINING_EXCLUDED)
    if flags["stap_permission"] != StapPermission.GRANTED:
        reasons.append(NotEligible.NOT_OFFERED_FOR_STAP)
    if not flags["open_cohort"]:
        reasons.append(NotEligible.NO_OPEN_COHORT)
    return reasons
