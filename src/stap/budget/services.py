"""Write use cases for applications. The citizen's flow (checks, waiting room) builds on these."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.budget import allocation
from stap.budget.errors import PeriodRuleBroken, TransitionNotAllowed
from stap.budget.models import (
    Application,
    ApplicationPeriod,
    ApplicationStatus,
    GrantCap,
    StudentFinance,
    StudentFinanceKind,
)
from stap.budget.tasks import waiting_room_draw_task
from stap.budget.waiting_room.queue import seed_and_commitment
from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.identifiers import mask_bsn
from stap.core.money import euros
from stap.core.sequences import next_number
from stap.register.models import Cohort

S = ApplicationStatus

# What each decision does: from which statuses it may start, the status it leaves, and the verb
# used in the refusal message.
_TRANSITIONS: dict[str, tuple[frozenset[ApplicationStatus], ApplicationStatus, Promise]] = {
    "reject": (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED, _("afgewezen")),
    "review": (frozenset({S.SUBMITTED}), S.IN_REVIEW, _("apart gezet voor beoordeling")),
    "settle": (frozenset({S.PROVISIONALLY_GRANTED}), S.SETTLED, _("vastgesteld")),
    "withdraw": (
        frozenset({S.SUBMITTED, S.IN_REVIEW, S.PROVISIONALLY_GRANTED}),
        S.WITHDRAWN,
        _("ingetrokken"),
    ),
    "cancel": (frozenset({S.PROVISIONALLY_GRANTED}), S.CANCELLED, _("geannuleerd")),
    "reclaim": (
        frozenset({S.PROVISIONALLY_GRANTED, S.SETTLED}),
        S.RECLAIMED,
        _("teruggevorderd"),
    ),
}


@transaction.atomic
def application_period_create(
    *,
    actor: Actor,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    budget: Decimal,
    reserved_budget: Decimal = Decimal("0.00"),
    carries_over: bool = False,
) -> ApplicationPeriod:
    seed, commitment = seed_and_commitment()
    period = ApplicationPeriod(
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        budget=euros(budget),
        reserved_budget=euros(reserved_budget),
        carries_over=carries_over,
        draw_seed=seed,
        draw_commitment=commitment,
    )
    period.full_clean()
    period.save()
    _schedule_the_draw(period)
    audit_record(
        actor=actor,
        action="budget.period_created",
        target=period,
        after={
            "name": name,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "budget": str(period.budget),
            "reserved_budget": str(period.reserved_budget),
            "carries_over": carries_over,
            "draw_commitment": commitment,
        },
    )
    return period


def _schedule_the_draw(period: ApplicationPeriod) -> None:
    """The waiting room's draw runs at the opening (the reaper catches a lost one)."""
    opens_at, pk = period.opens_at, period.pk
    transaction.on_commit(
        lambda: waiting_room_draw_task.using(run_after=opens_at).enqueue(period_id=pk)
    )


@transaction.atomic
def application_period_postpone(
    *,
    actor: Actor,
    period: ApplicationPeriod,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    reason: str,
) -> ApplicationPeriod:
    """Move a period that has not closed yet (an outage on the opening day, say). The first
    postponement keeps the original moments, from which the start-date rules keep counting."""
    period = ApplicationPeriod.objects.select_for_update().get(pk=period.pk)
    reason = reason.strip()
    if not reason:
        raise PeriodRuleBroken(_("Vul de reden van het uitstel in; die komt in de geschiedenis."))
    if period.closes_at <= clock.now():
        raise PeriodRuleBroken(_("Dit tijdvak is al gesloten; uitstellen kan niet meer."))
    if closes_at <= opens_at:
        raise PeriodRuleBroken(_("Het tijdvak moet sluiten na de opening."))
    before = {"opens_at": period.opens_at.isoformat(), "closes_at": period.closes_at.isoformat()}
    if period.original_opens_at is None:
        period.original_opens_at, period.original_closes_at = period.opens_at, period.closes_at
    period.opens_at, period.closes_at = opens_at, closes_at
    period.postponement_reason = reason
    period.save()
    _schedule_the_draw(period)  # the task scheduled before finds it too early and does nothing
    audit_record(
        actor=actor,
        action="budget.period_postponed",
        target=period,
        before=before,
        after={
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "reason": reason,
        },
    )
    return period


@transaction.atomic
def application_period_carry_over(*, actor: Actor, period: ApplicationPeriod) -> ApplicationPeriod:
    """Move what a closed period has left (both pools) to the budget of the period that opens
    next; returns that period. Once per period, and only when the period says so."""
    period = ApplicationPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.carries_over:
        raise PeriodRuleBroken(_("Bij dit tijdvak gaat het restant niet naar het volgende."))
    if period.carried_over_at is not None:
        raise PeriodRuleBroken(_("Het restant van dit tijdvak is al overgeboekt."))
    if period.closes_at > clock.now():
        raise PeriodRuleBroken(
            _("Het restant kan pas worden overgeboekt als het tijdvak is gesloten.")
        )
    following = (
        ApplicationPeriod.objects.select_for_update()
        .filter(opens_at__gte=period.closes_at)
        .order_by("opens_at")
        .first()
    )
    if following is None:
        raise PeriodRuleBroken(_("Er is nog geen volgend tijdvak. Maak dat eerst aan."))
    left = period.left + period.reserve_left
    period.budget -= left
    period.reserved_budget = period.granted_reserved
    period.carried_over_at = clock.now()
    period.save(update_fields=["budget", "reserved_budget", "carried_over_at"])
    ApplicationPeriod.objects.filter(pk=following.pk).update(budget=F("budget") + left)
    following.refresh_from_db()
    audit_record(
        actor=actor,
        action="budget.period_carried_over",
        target=period,
        after={"amount": str(left), "to": following.name},
    )
    return following


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    period: ApplicationPeriod,
    cohort: Cohort,
    studentnummer: str,
    first_name: str,
    name_prefix: str = "",
    last_name: str,
    start_date: dt.date,
    end_date: dt.date,
    amount: Decimal,
    bsn: str = "",
    assisted: bool = False,
) -> Application:
    """Record a citizen's application for one cohort (``assisted``: UWV staff apply for someone
    who cannot apply digitally, from the reserved part of the budget)."""
    training = cohort.offer.training
    now = clock.now()
    application = Application(
        period=period,
        organisation=training.provider.organisation,
        training=training,
        cohort=cohort,
        studentnummer=studentnummer,
        first_name=first_name,
        name_prefix=name_prefix,
        last_name=last_name,
        search_text=Application.search_text_for(
            first_name=first_name, name_prefix=name_prefix, last_name=last_name
        ),
        start_date=start_date,
        end_date=end_date,
        amount=euros(amount),
        bsn=bsn,
        assisted=assisted,
        status=S.SUBMITTED,
        submitted_at=now,
        status_changed_at=now,
    )
    # The foreign keys are objects the caller read, and the database enforces the constraints:
    # checking them again here would cost a query each at the busiest moment of the year.
    application.full_clean(
        exclude=["period", "organisation", "training", "cohort"],
        validate_unique=False,
        validate_constraints=False,
    )
    application.save()
    audit_record(
        actor=actor,
        action="budget.application_submitted",
        target=application,
        after={"status": application.status, "amount": str(application.amount)},
        organisation_kvk=application.organisation.kvk_number,
    )
    return application


@transaction.atomic
def application_grant(*, actor: Actor, application: Application) -> Application:
    """Grant provisionally: the application takes its money, its place under the offer's cap
    and the person's grant of the year (``allocation.take``; ``NotGranted`` when one is gone,
    with nothing changed), and gets the aanvraagnummer printed on the beschikking."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=application.pk)
    )
    if application.status not in (S.SUBMITTED, S.IN_REVIEW):
        raise TransitionNotAllowed(current=application.get_status_display(), action=_("toegekend"))
    now = clock.now()
    before = {"status": application.status}
    year = now.astimezone(clock.AMSTERDAM).year
    allocation.take(application, year=year)
    application.aanvraagnummer = f"STAP-{year}-{next_number(f'aanvraagnummer-{year}'):07d}"
    application.status = S.PROVISIONALLY_GRANTED
    application.granted_at = now
    application.status_changed_at = now
    application.save(update_fields=["aanvraagnummer", "status", "granted_at", "status_changed_at"])
    audit_record(
        actor=actor,
        action="budget.application_granted",
        target=application,
        before=before,
        after={
            "status": application.status,
            "aanvraagnummer": application.aanvraagnummer,
        },
        organisation_kvk=application.organisation.kvk_number,
    )
    return application


def application_allocate(*, actor: Actor, application: Application) -> Application:
    """The decision on the budget for an application that passed every other check: granted
    when there is money, a place under the cap and no grant this year yet; otherwise rejected
    with the reason."""
    try:
        return application_grant(actor=actor, application=application)
    except allocation.NotGranted as refused:
        return application_decide(
            actor=actor, application=application, decision="reject", reason=refused.reason
        )


@transaction.atomic
def application_decide(
    *, actor: Actor, application: Application, decision: str, reason: str = ""
) -> Application:
    """Move an application on: ``reject`` or ``review`` (with the ``reason``'s code), ``settle``,
    ``withdraw``, ``cancel`` or ``reclaim``. A withdrawn or cancelled grant gives back its
    money, its place under the cap and the person's grant of the year."""
    allowed_from, target, verb = _TRANSITIONS[decision]
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=application.pk)
    )
    if application.status not in allowed_from:
        raise TransitionNotAllowed(current=application.get_status_display(), action=verb)
    before = {"status": application.status}
    if target not in allocation.HOLDING:
        allocation.release(application)
    application.status = target
    application.rejection_reason = reason
    application.status_changed_at = clock.now()
    application.save(update_fields=["status", "rejection_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"budget.application_{decision}",
        target=application,
        before=before,
        after={"status": application.status, **({"reason": reason} if reason else {})},
        organisation_kvk=application.organisation.kvk_number,
    )
    return application


@transaction.atomic
def grant_cap_set(*, actor: Actor, year: int, maximum: int) -> GrantCap:
    """Set the most grants one offer may hold in ``year`` (the verleningsgrens). Grants already
    made stay; a lower cap only stops new ones."""
    cap, _created = GrantCap.objects.select_for_update().get_or_create(
        year=year, defaults={"maximum": maximum}
    )
    before = {"maximum": cap.maximum}
    cap.maximum = maximum
    cap.full_clean()
    cap.save()
    audit_record(
        actor=actor,
        action="budget.grant_cap_set",
        target=cap,
        before=before,
        after={"maximum": maximum},
    )
    return cap


@transaction.atomic
def student_finance_record(
    *,
    actor: Actor,
    bsn: str,
    kind: StudentFinanceKind,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> StudentFinance:
    """Record that someone receives student finance (the stand-in for DUO's records)."""
    record = StudentFinance(bsn=bsn, kind=kind, starts_on=starts_on, ends_on=ends_on)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="budget.student_finance_recorded",
        target=record,
        after={
            "bsn": mask_bsn(bsn),
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return record
