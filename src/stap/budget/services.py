"""Write use cases for applications. The citizen's flow (checks, waiting room) builds on these."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.budget.errors import TransitionNotAllowed
from stap.budget.models import Application, ApplicationPeriod, ApplicationStatus
from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.money import euros
from stap.core.sequences import next_number
from stap.register.models import Cohort

S = ApplicationStatus

# What each decision does: from which statuses it may start, the status it leaves, and the verb
# used in the refusal message.
_TRANSITIONS: dict[str, tuple[frozenset[ApplicationStatus], ApplicationStatus, Promise]] = {
    "reject": (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED, _("afgewezen")),
    "settle": (frozenset({S.PROVISIONALLY_GRANTED}), S.SETTLED, _("vastgesteld")),
    "withdraw": (frozenset({S.PROVISIONALLY_GRANTED}), S.WITHDRAWN, _("ingetrokken")),
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
) -> ApplicationPeriod:
    period = ApplicationPeriod(
        name=name, opens_at=opens_at, closes_at=closes_at, budget=euros(budget)
    )
    period.full_clean()
    period.save()
    audit_record(
        actor=actor,
        action="budget.period_created",
        target=period,
        after={
            "name": name,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return period


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
) -> Application:
    """Record a citizen's application for one cohort."""
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
        status=S.SUBMITTED,
        submitted_at=now,
        status_changed_at=now,
    )
    application.full_clean()
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
    """Grant provisionally: the application gets the aanvraagnummer printed on the beschikking."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (S.SUBMITTED, S.IN_REVIEW):
        raise TransitionNotAllowed(current=application.get_status_display(), action=_("toegekend"))
    now = clock.now()
    before = {"status": application.status}
    year = now.astimezone(clock.AMSTERDAM).year
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


@transaction.atomic
def application_decide(*, actor: Actor, application: Application, decision: str) -> Application:
    """Move an application on: ``reject``, ``settle``, ``withdraw``, ``cancel`` or ``reclaim``."""
    allowed_from, target, verb = _TRANSITIONS[decision]
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in allowed_from:
        raise TransitionNotAllowed(current=application.get_status_display(), action=verb)
    before = {"status": application.status}
    application.status = target
    application.status_changed_at = clock.now()
    application.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"budget.application_{decision}",
        target=application,
        before=before,
        after={"status": application.status},
        organisation_kvk=application.organisation.kvk_number,
    )
    return application
