"""The citizen's application: from studentnummer and aanmeldingsbewijs code to a decision.

Two kinds of "no":

- a **refusal** (``ApplicationRefused``): what was sent cannot become an application — a BSN
  that fails the 11-proef, a period that is not open, a code that is unknown or someone else's,
  an offer that does not match the bewijs, an amount that is not an amount. Nothing is written
  but the audit entry;
- a **rejection**: a real application that does not meet a condition of the scheme (age,
  student finance, a grant this year, the training or its dates). It is recorded, rejected with
  its reason, and gets a decision letter like any other.

An application that passes every check goes to ``application_allocate``, which grants it when
money, a place under the cap and the person's year are left.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from stap.budget import allocation
from stap.budget.errors import ApplicationRefused
from stap.budget.models import Application, ApplicationPeriod, ApplicationStatus, StudentFinance
from stap.budget.services import application_allocate, application_decide, application_submit
from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.identifiers import is_bsn, mask_bsn
from stap.core.money import format_euros
from stap.core.notifications import email_enqueue
from stap.core.pension import aow_date, eighteenth_birthday, plus
from stap.enrolments.models import PreRegistration, ProofStatus, RegistrationProof
from stap.enrolments.prereg.structure import parse_amount
from stap.enrolments.proofs.selectors import registration_proof_by_code
from stap.identity.models import Resident
from stap.register.eligibility import NotEligible, offer_eligibility
from stap.register.models import Cohort
from stap.register.values import CohortStatus

STAP_MAXIMUM: Final = Decimal("1000.00")
MINIMUM_LEAD: Final = dt.timedelta(weeks=4)
LATEST_START_MONTHS: Final = 3
# The statuses in which an application of this period still stands, so that sending the form
# again (a double click, a replay) is refused instead of making a second one.
STANDING: Final = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, *allocation.HOLDING}
)


class RefusalReason(TextChoices):
    INVALID_BSN = (
        "bsn_ongeldig",
        _("Uw burgerservicenummer is niet geldig. Log opnieuw in met DigiD."),
    )
    PERIOD_NOT_OPEN = (
        "tijdvak_niet_open",
        _(
            "U kunt nu geen aanvraag doen: het aanvraagtijdvak is niet open. Kijk op de website "
            "wanneer het volgende tijdvak opent."
        ),
    )
    ALREADY_APPLIED = (
        "al_aangevraagd",
        _(
            "U heeft in dit aanvraagtijdvak al een aanvraag gedaan. U ziet haar bij ‘Mijn "
            "aanvragen’."
        ),
    )
    UNKNOWN_CODE = (
        "code_onbekend",
        _(
            "Deze controlecode kennen wij niet, of het aanmeldingsbewijs is ingetrokken of "
            "vervangen. Controleer de code op uw aanmeldingsbewijs, of vraag uw opleider om een "
            "nieuw bewijs."
        ),
    )
    CODE_OF_SOMEONE_ELSE = (
        "code_van_ander",
        _(
            "Dit aanmeldingsbewijs staat niet op uw naam: de naam of geboortedatum erop is anders "
            "dan in de Basisregistratie Personen. Vraag uw opleider het bewijs te verbeteren."
        ),
    )
    STUDENTNUMMER_DIFFERS = (
        "studentnummer_anders",
        _(
            "Het studentnummer is niet het studentnummer op uw aanmeldingsbewijs. Neem het over "
            "van het bewijs."
        ),
    )
    CHOOSE_AN_OFFER = (
        "kies_opleiding",
        _(
            "Uw opleider heeft u niet vooraangemeld. Kies de opleiding en het startmoment uit het "
            "STAP-scholingsregister."
        ),
    )
    OFFER_DIFFERS = (
        "opleiding_anders",
        _(
            "De gekozen opleiding is niet de opleiding op uw aanmeldingsbewijs (opleider-id en "
            "scholings-ID moeten gelijk zijn). Kies de opleiding die op het bewijs staat."
        ),
    )
    AMOUNT_INVALID = (
        "bedrag_ongeldig",
        _(
            "Het bedrag moet een bedrag in euro’s zijn, groter dan nul, met hoogstens twee "
            "cijfers achter de komma, en niet hoger dan het subsidiabele bedrag van het "
            "startmoment of € 1.000."
        ),
    )


class RejectionReason(TextChoices):
    TOO_YOUNG = "te_jong", _("U bent op de dag van de aanvraag nog geen 18 jaar.")
    PENSION_AGE = "aow_leeftijd", _("U heeft op de dag van de aanvraag de AOW-leeftijd bereikt.")
    STUDENT_FINANCE = (
        "studiefinanciering",
        _(
            "U ontvangt studiefinanciering, een lerarenbeurs of een tegemoetkoming van DUO. Dan "
            "kunt u geen STAP-budget krijgen."
        ),
    )
    ALREADY_GRANTED_THIS_YEAR = (
        allocation.NotGrantedReason.ALREADY_GRANTED_THIS_YEAR.value,
        (allocation.NotGrantedReason.ALREADY_GRANTED_THIS_YEAR.label),
    )
    NOT_ELIGIBLE = (
        "opleiding_niet_subsidiabel",
        _(
            "Voor deze opleiding kan nu geen STAP-budget worden gegeven: de opleider is niet "
            "erkend of de opleiding of opleider is uitgesloten."
        ),
    )
    COHORT_CLOSED = (
        "startmoment_gesloten",
        _("Voor dit startmoment kunnen geen aanvragen meer worden gedaan."),
    )
    START_TOO_SOON = (
        "start_te_vroeg",
        _("De opleiding begint minder dan 4 weken na uw aanvraag. Kies een later startmoment."),
    )
    START_TOO_LATE = (
        "start_te_laat",
        _(
            "De opleiding begint meer dan 3 maanden na het einde van het aanvraagtijdvak. Vraag "
            "het STAP-budget aan in een later tijdvak."
        ),
    )


class ReviewReason(TextChoices):
    NOT_IN_POPULATION_REGISTER = (
        "niet_in_brp",
        _(
            "Uw gegevens zijn niet gevonden in de Basisregistratie Personen; een medewerker van "
            "UWV bekijkt uw aanvraag."
        ),
    )


def reason_label(code: str) -> str:
    """What a rejection or review reason's code means, in the reader's language ("" for no
    code)."""
    if not code:
        return ""
    for reasons in (RejectionReason, allocation.NotGrantedReason, ReviewReason):
        if code in reasons.values:
            return str(reasons(code).label)
    return code


@dataclass(frozen=True, kw_only=True)
class OfferChoice:
    """What the citizen picks when their provider did not pre-register them."""

    cohort: Cohort
    start_date: dt.date
    amount: str


@dataclass(frozen=True, kw_only=True)
class Enrolment:
    """The enrolment the application is for, from the vooraanmelding or the citizen's choice."""

    cohort: Cohort
    start_date: dt.date
    end_date: dt.date
    amount: Decimal


def application_apply(
    *,
    actor: Actor,
    period: ApplicationPeriod,
    bsn: str,
    studentnummer: str,
    code: str,
    choice: OfferChoice | None = None,
    assisted: bool = False,
) -> Application:
    """A citizen applies (``assisted``: UWV staff apply for someone who cannot do it
    digitally, from the period's reserve). Raises ``ApplicationRefused`` (audited, nothing else
    written); otherwise returns the application, decided: granted, rejected with its reason, or
    in review (``rejection_reason`` holds the code of the reason)."""
    try:
        with transaction.atomic():
            application, resident = _submit(
                actor=actor,
                period=period,
                bsn=bsn,
                studentnummer=studentnummer.strip(),
                code=code,
                choice=choice,
                assisted=assisted,
            )
    except ApplicationRefused as refused:
        audit_record(
            actor=actor,
            action="budget.application_refused",
            target=period,
            after={"reason": refused.code, "bsn": mask_bsn(bsn) if is_bsn(bsn) else ""},
        )
        raise
    return _decide(actor=actor, application=application, resident=resident)


def _refuse(reason: RefusalReason) -> ApplicationRefused:
    return ApplicationRefused(reason.label, code=reason.value)


@dataclass(frozen=True, kw_only=True)
class Preview:
    """What the citizen confirms before submitting: the bewijs the code belongs to, their
    record in the population register, and the provider's vooraanmelding if there is one."""

    proof: RegistrationProof
    resident: Resident | None
    pre_registration: PreRegistration | None


def application_preview(
    *, period: ApplicationPeriod, bsn: str, studentnummer: str, code: str
) -> Preview:
    """Everything about a submission that can be refused before the citizen confirms it;
    raises ``ApplicationRefused``. Reads only: not audited (the submission is)."""
    if not is_bsn(bsn):
        raise _refuse(RefusalReason.INVALID_BSN)
    now = clock.now()
    if not period.opens_at <= now < period.closes_at:
        raise _refuse(RefusalReason.PERIOD_NOT_OPEN)
    standing = Application.objects.filter(period=period, bsn=bsn, status__in=STANDING)
    if standing.exists():
        raise _refuse(RefusalReason.ALREADY_APPLIED)
    proof = registration_proof_by_code(code)
    if proof is None or proof.status != ProofStatus.ISSUED:
        raise _refuse(RefusalReason.UNKNOWN_CODE)
    resident = Resident.objects.filter(bsn=bsn).first()
    if resident is not None and not _same_person(proof, resident):
        raise _refuse(RefusalReason.CODE_OF_SOMEONE_ELSE)
    if proof.studentnummer.casefold() != studentnummer.strip().casefold():
        raise _refuse(RefusalReason.STUDENTNUMMER_DIFFERS)
    pre_registration = (
        PreRegistration.objects.filter(
            organisation=proof.organisation_id,
            studentnummer__iexact=proof.studentnummer,
            offer=proof.offer_id,
        )
        .select_related("cohort__offer__training__provider")
        .order_by("-updated_at")
        .first()
    )
    return Preview(proof=proof, resident=resident, pre_registration=pre_registration)


def _submit(
    *,
    actor: Actor,
    period: ApplicationPeriod,
    bsn: str,
    studentnummer: str,
    code: str,
    choice: OfferChoice | None,
    assisted: bool,
) -> tuple[Application, Resident | None]:
    # The period's standing applications are locked first, so that a form sent twice at once
    # waits here and is then refused as a second application.
    list(
        Application.objects.select_for_update()
        .filter(period=period, bsn=bsn, status__in=STANDING)
        .values_list("pk", flat=True)
    )
    preview = application_preview(period=period, bsn=bsn, studentnummer=studentnummer, code=code)
    proof, resident = preview.proof, preview.resident
    enrolment = _enrolment(preview, choice)
    application = application_submit(
        actor=actor,
        period=period,
        cohort=enrolment.cohort,
        studentnummer=proof.studentnummer,
        first_name=resident.first_names if resident else proof.first_name,
        name_prefix=resident.name_prefix if resident else proof.name_prefix,
        last_name=resident.last_name if resident else proof.last_name,
        start_date=enrolment.start_date,
        end_date=enrolment.end_date,
        amount=enrolment.amount,
        bsn=bsn,
        assisted=assisted,
    )
    return application, resident


def _same_person(proof: RegistrationProof, resident: Resident) -> bool:
    return (
        proof.birth_date == resident.birth_date
        and proof.last_name.casefold().strip() == resident.last_name.casefold().strip()
    )


def _enrolment(preview: Preview, choice: OfferChoice | None) -> Enrolment:
    proof, pre_registration = preview.proof, preview.pre_registration
    if pre_registration is not None:
        cohort = pre_registration.cohort
        return Enrolment(
            cohort=cohort,
            start_date=pre_registration.start_date,
            end_date=pre_registration.end_date or cohort.end_date,
            amount=pre_registration.amount,
        )
    if choice is None:
        raise _refuse(RefusalReason.CHOOSE_AN_OFFER)
    # 1-to-1 on opleider-id and scholings-ID: the same offer (an offer has one provider).
    if choice.cohort.offer_id != proof.offer_id:
        raise _refuse(RefusalReason.OFFER_DIFFERS)
    amount = _amount(choice.amount)
    if amount is None or amount > min(choice.cohort.subsidisable_amount, STAP_MAXIMUM):
        raise _refuse(RefusalReason.AMOUNT_INVALID)
    return Enrolment(
        cohort=choice.cohort,
        start_date=choice.start_date,
        end_date=max(choice.cohort.end_date, choice.start_date),
        amount=amount,
    )


def _amount(text: str) -> Decimal | None:
    """Euros as on a vooraanmelding: a decimal point or comma, at most two decimals, above 0."""
    amount = parse_amount(text.strip())
    return amount if amount is not None and amount > 0 else None


def _decide(*, actor: Actor, application: Application, resident: Resident | None) -> Application:
    # The register as it is now, not as the caller's objects remember it.
    application = Application.objects.select_related(
        "cohort__offer", "period", "training__provider", "organisation"
    ).get(pk=application.pk)
    reason = _rejection(application, resident)
    if reason is not None:
        return application_decide(
            actor=actor, application=application, decision="reject", reason=reason
        )
    if resident is None:
        return application_decide(
            actor=actor,
            application=application,
            decision="review",
            reason=ReviewReason.NOT_IN_POPULATION_REGISTER,
        )
    with transaction.atomic():
        decided = application_allocate(actor=actor, application=application)
        if decided.is_granted:
            _tell_the_provider(decided)
    return decided


def _tell_the_provider(application: Application) -> None:
    """An e-mail to the provider about the new grant (never the BSN): it is in "Toegekende
    aanvragen" from now on, with the aanvraagnummer to use."""
    provider = application.training.provider
    if not provider.email:
        return
    email_enqueue(
        to=[provider.email],
        subject=f"Nieuwe toekenning STAP-budget: {application.aanvraagnummer}",
        body=(
            f"Er is een STAP-budget toegekend aan uw student {application.student_name} "
            f"(studentnummer {application.studentnummer}) voor {application.training.name}, "
            f"startdatum {application.start_date:%d-%m-%Y}, bedrag "
            f"{format_euros(application.amount)}.\n\n"
            f"Aanvraagnummer: {application.aanvraagnummer}. Gebruik dit nummer voortaan voor "
            "deze student.\n\nU vindt de aanvraag bij ‘Toegekende aanvragen’ in het "
            "STAP-opleidersportaal.\n"
        ),
    )


def application_withdraw(*, actor: Actor, application: Application, bsn: str) -> Application:
    """The citizen withdraws their own application before the training starts: a grant gives
    back its money, its place under the cap and the year."""
    if application.bsn != bsn:
        raise ApplicationRefused(_("Deze aanvraag is niet van u."), code="niet_van_u")
    if clock.today() >= application.start_date:
        raise ApplicationRefused(
            _(
                "De opleiding is al begonnen; u kunt de aanvraag niet meer intrekken. Neem "
                "contact op met UWV als u niet meer meedoet."
            ),
            code="al_begonnen",
        )
    return application_decide(actor=actor, application=application, decision="withdraw")


def _rejection(application: Application, resident: Resident | None) -> RejectionReason | None:
    """The first condition of the scheme the application does not meet, on its submission day."""
    today = application.submitted_at.astimezone(clock.AMSTERDAM).date()
    if resident is not None:
        if today < eighteenth_birthday(resident.birth_date):
            return RejectionReason.TOO_YOUNG
        if today >= aow_date(resident.birth_date):
            return RejectionReason.PENSION_AGE
    receiving = StudentFinance.objects.filter(bsn=application.bsn, starts_on__lte=today).exclude(
        ends_on__lt=today
    )
    if receiving.exists():
        return RejectionReason.STUDENT_FINANCE
    if Application.objects.filter(bsn=application.bsn, grant_year=today.year).exists():
        return RejectionReason.ALREADY_GRANTED_THIS_YEAR
    cohort = application.cohort
    if [r for r in offer_eligibility(cohort.offer, on=today) if r != NotEligible.NO_OPEN_COHORT]:
        return RejectionReason.NOT_ELIGIBLE
    if cohort.status != CohortStatus.OPEN:
        return RejectionReason.COHORT_CLOSED
    if application.start_date < today + MINIMUM_LEAD:
        return RejectionReason.START_TOO_SOON
    period_ends = application.period.rules_close_at.astimezone(clock.AMSTERDAM).date()
    if application.start_date > plus(period_ends, years=0, months=LATEST_START_MONTHS):
        return RejectionReason.START_TOO_LATE
    return None
