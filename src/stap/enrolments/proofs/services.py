"""Issuing, revoking and replacing aanmeldingsbewijzen: typed, keyword-only, audited.

A bewijs holds the same student and offer data as a vooraanmelding, so it is checked with exactly
the rules of a vooraanmelding (``prereg.structure`` and ``prereg.content``): the text of each
field as the provider typed it, named as in ``prereg.fields``. A *fout* refuses the bewijs and
nothing is written; a *waarschuwing* lets it through and comes back with it, to show.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg.content import Match, RegisterFacts, check_content
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.rules import Finding
from stap.enrolments.prereg.structure import Values, check_structure
from stap.enrolments.proofs.codes import new_code
from stap.identity.models import Organisation
from stap.register.models import Cohort

REASON_MAX: Final = 1_000
_CODE_ATTEMPTS: Final = 5


class ProofRefused(DomainError):
    """The data breaks one or more rules; ``findings`` says which, field by field."""

    code = "registration_proof_refused"

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        super().__init__(_("Het aanmeldingsbewijs is niet gemaakt: niet alle gegevens kloppen."))
        self.findings = findings


class ProofDuplicate(DomainError):
    """A valid bewijs for this student, offer and start date exists already."""

    code = "registration_proof_duplicate"

    def __init__(self, existing: RegistrationProof) -> None:
        super().__init__(
            _(
                "Voor studentnummer %(studentnummer)s is al een geldig aanmeldingsbewijs voor "
                "deze opleiding en startdatum. Moet er iets in veranderen? Vervang dan dat "
                "aanmeldingsbewijs."
            )
            % {"studentnummer": existing.studentnummer}
        )
        self.existing = existing


class ProofNotValid(DomainError):
    """Only a valid bewijs can be revoked or replaced."""

    code = "registration_proof_not_valid"


class ProofNotOwn(DomainError):
    code = "registration_proof_not_own"


@dataclass(frozen=True)
class Issued:
    proof: RegistrationProof
    warnings: tuple[Finding, ...]


@dataclass(frozen=True)
class Checked:
    values: Values
    match: Match
    warnings: tuple[Finding, ...]


def check_proof(
    *, organisation: Organisation, text: Mapping[str, str], today: dt.date
) -> tuple[Checked | None, tuple[Finding, ...]]:
    """Both stages of the vooraanmelding rules for one bewijs: the checked values (``None`` when
    a *fout* was found) and every finding."""
    raw = RawRow(number=1, line=1, values={name: text.get(name, "").strip() for name in f.FIELDS})
    row = check_structure(raw)
    if row.values is None:
        return None, tuple(row.findings)
    found, match = check_content(
        row.values,
        organisation_id=organisation.pk,
        facts=RegisterFacts(on=today),
        today=today,
    )
    findings = (*row.findings, *found)
    if match is None or any(finding.is_error for finding in findings):
        return None, findings
    return Checked(values=row.values, match=match, warnings=findings), findings


def _checked(organisation: Organisation, text: Mapping[str, str]) -> Checked:
    checked, findings = check_proof(organisation=organisation, text=text, today=clock.today())
    if checked is None:
        raise ProofRefused(findings)
    return checked


def _own(actor: Actor, organisation: Organisation) -> None:
    if actor.organisation_kvk and actor.organisation_kvk != organisation.kvk_number:
        raise ProofNotOwn(_("U kunt alleen aanmeldingsbewijzen van uw eigen organisatie beheren."))


def _new_proof(
    *, actor: Actor, organisation: Organisation, checked: Checked, now: dt.datetime
) -> RegistrationProof:
    values = checked.values
    cohort = Cohort.objects.select_related("offer__training", "offer__provider").get(
        pk=checked.match.cohort.id
    )
    offer = cohort.offer
    existing = (
        RegistrationProof.objects.filter(
            organisation=organisation,
            studentnummer=values.studentnummer,
            offer=offer,
            start_date=values.start_date,
            status=ProofStatus.ISSUED,
        )
        .order_by("-issued_at")
        .first()
    )
    if existing is not None:
        raise ProofDuplicate(existing)
    proof = RegistrationProof(
        organisation=organisation,
        offer=offer,
        cohort=cohort,
        provider_name=offer.provider.name,
        provider_code=offer.provider.code,
        training_name=offer.training.name,
        cohort_code=cohort.code,
        issued_at=now,
        issued_by=actor.identifier,
        **values.person_fields(),
    )
    for _attempt in range(_CODE_ATTEMPTS):
        proof.code = new_code()
        try:
            with transaction.atomic():
                proof.save()
        except IntegrityError:
            # Another bewijs for the same student came in at this moment, or (once in 2^60)
            # the code was taken: say which, or try another code.
            proof.pk = None
            if duplicate := RegistrationProof.objects.filter(
                organisation=organisation,
                studentnummer=values.studentnummer,
                offer=offer,
                start_date=values.start_date,
                status=ProofStatus.ISSUED,
            ).first():
                raise ProofDuplicate(duplicate) from None
            if RegistrationProof.objects.filter(code=proof.code).exists():
                continue
            raise  # not a taken code nor a duplicate: a broken rule that retrying cannot mend
        return proof
    raise RuntimeError("no free verification code found")  # pragma: no cover


def _audited_values(proof: RegistrationProof) -> dict[str, object]:
    """What the trail keeps of a bewijs: its references, not the student's personal data."""
    return {
        "studentnummer": proof.studentnummer,
        "scholings_id": str(proof.offer.scholings_id),
        "cohortcode": proof.cohort_code,
        "start_date": proof.start_date.isoformat(),
        "amount": str(proof.amount),
        "status": proof.status,
    }


@transaction.atomic
def proof_issue(*, actor: Actor, organisation: Organisation, text: Mapping[str, str]) -> Issued:
    """Issue a bewijs from ``text``, the value of each field of ``prereg.fields.FIELDS`` as typed.

    Raises ``ProofRefused`` (with the findings) when a rule finds a *fout*, and
    ``ProofDuplicate`` when the student already has a valid bewijs for this offer and start date.
    """
    _own(actor, organisation)
    checked = _checked(organisation, text)
    proof = _new_proof(actor=actor, organisation=organisation, checked=checked, now=clock.now())
    audit_record(
        actor=actor,
        action="enrolments.registration_proof_issued",
        target=proof,
        after=_audited_values(proof),
        organisation_kvk=organisation.kvk_number,
    )
    return Issued(proof=proof, warnings=checked.warnings)


def _locked_valid(organisation: Organisation, proof: RegistrationProof) -> RegistrationProof:
    locked = (
        RegistrationProof.objects.select_for_update()
        .filter(pk=proof.pk, organisation=organisation)
        .first()
    )
    if locked is None:
        raise ProofNotOwn(_("U kunt alleen aanmeldingsbewijzen van uw eigen organisatie beheren."))
    if locked.status != ProofStatus.ISSUED:
        raise ProofNotValid(
            _(
                "Dit aanmeldingsbewijs is al %(status)s. Alleen een geldig aanmeldingsbewijs kunt "
                "u intrekken of vervangen."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def proof_revoke(
    *, actor: Actor, organisation: Organisation, proof: RegistrationProof, reason: str
) -> RegistrationProof:
    """Revoke a valid bewijs. The student can no longer apply with it; the check says so."""
    _own(actor, organisation)
    reason = reason.strip()
    if not reason:
        raise ProofNotValid(
            _("Vul een reden in. De reden staat in de geschiedenis van het aanmeldingsbewijs.")
        )
    if len(reason) > REASON_MAX:
        raise ProofNotValid(
            _("De reden is %(length)s tekens lang; houd haar korter dan %(limit)s tekens.")
            % {"length": len(reason), "limit": REASON_MAX}
        )
    locked = _locked_valid(organisation, proof)
    before = _audited_values(locked)
    locked.status = ProofStatus.REVOKED
    locked.revoked_at = clock.now()
    locked.revoked_by = actor.identifier
    locked.revocation_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    audit_record(
        actor=actor,
        action="enrolments.registration_proof_revoked",
        target=locked,
        before=before,
        after={**_audited_values(locked), "reason": reason},
        organisation_kvk=organisation.kvk_number,
    )
    return locked


@transaction.atomic
def proof_replace(
    *,
    actor: Actor,
    organisation: Organisation,
    proof: RegistrationProof,
    text: Mapping[str, str],
) -> Issued:
    """Issue a new bewijs from ``text`` in place of a valid one, which becomes *replaced* and
    points to the new one. Checked like a new bewijs; when refused, the old one stays valid."""
    _own(actor, organisation)
    locked = _locked_valid(organisation, proof)
    checked = _checked(organisation, text)
    before = _audited_values(locked)
    # The old one stops being valid first, so that the new one may be for the same student,
    # offer and start date.
    locked.status = ProofStatus.REPLACED
    RegistrationProof.objects.filter(pk=locked.pk).update(status=ProofStatus.REPLACED)
    now = clock.now()
    new = _new_proof(actor=actor, organisation=organisation, checked=checked, now=now)
    locked.replaced_by = new
    locked.save(update_fields=["status", "replaced_by"])
    audit_record(
        actor=actor,
        action="enrolments.registration_proof_replaced",
        target=locked,
        before=before,
        after={**_audited_values(locked), "replaced_by": new.pk},
        organisation_kvk=organisation.kvk_number,
    )
    audit_record(
        actor=actor,
        action="enrolments.registration_proof_issued",
        target=new,
        after={**_audited_values(new), "replaces": locked.pk},
        organisation_kvk=organisation.kvk_number,
    )
    return Issued(proof=new, warnings=checked.warnings)


def proof_downloaded(*, actor: Actor, organisation: Organisation, proof: RegistrationProof) -> None:
    """Note in the trail that the PDF, with the student's data, left the portal."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="enrolments.registration_proof_downloaded",
            target=proof,
            organisation_kvk=organisation.kvk_number,
        )
