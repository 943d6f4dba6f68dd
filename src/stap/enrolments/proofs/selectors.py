"""Reads of aanmeldingsbewijzen.

A provider reads only its own: a foreign id answers 404, like a missing one. The public check
reads a ``PublicCheck``, which by construction holds nothing of the student.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.db.models import Q, QuerySet
from django.http import Http404

from stap.core.models import AuditEntry
from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.proofs.codes import normalised
from stap.identity.models import Organisation

# A chain of replacements longer than this is not a chain people made by hand.
CHAIN_LIMIT: Final = 50
SEARCH_WORDS: Final = 5


def registration_proofs_for_organisation(
    *, organisation: Organisation, query: str = ""
) -> QuerySet[RegistrationProof]:
    """The organisation's bewijzen, newest first; ``query`` finds a studentnummer or a name
    (every word must match)."""
    proofs = RegistrationProof.objects.filter(organisation=organisation)
    for word in query.split()[:SEARCH_WORDS]:
        proofs = proofs.filter(
            Q(studentnummer__iexact=word)
            | Q(first_name__icontains=word)
            | Q(name_prefix__iexact=word)
            | Q(last_name__icontains=word)
        )
    return proofs.select_related("offer").order_by("-issued_at", "-id")


def registration_proof_for_organisation(
    *, organisation: Organisation, proof_id: int
) -> RegistrationProof:
    proof = (
        RegistrationProof.objects.filter(organisation=organisation, pk=proof_id)
        .select_related("organisation", "offer", "cohort", "replaced_by")
        .first()
    )
    if proof is None:
        raise Http404
    return proof


def proof_versions(*, proof: RegistrationProof) -> list[RegistrationProof]:
    """Every version of this student's bewijs, oldest first: the ones it replaced, itself, and
    the ones that replaced it."""
    earlier: list[RegistrationProof] = []
    current = proof
    for _step in range(CHAIN_LIMIT):
        previous = RegistrationProof.objects.filter(
            replaced_by=current, organisation_id=proof.organisation_id
        ).first()
        if previous is None:
            break
        earlier.append(previous)
        current = previous
    later: list[RegistrationProof] = []
    current = proof
    for _step in range(CHAIN_LIMIT):
        if current.replaced_by_id is None:
            break
        following = RegistrationProof.objects.filter(
            pk=current.replaced_by_id, organisation_id=proof.organisation_id
        ).first()
        if following is None:
            break
        later.append(following)
        current = following
    return [*reversed(earlier), proof, *later]


def proof_trail(*, proof: RegistrationProof) -> QuerySet[AuditEntry]:
    """What happened to this bewijs, oldest first."""
    return AuditEntry.objects.filter(
        object_type=RegistrationProof._meta.label_lower, object_id=str(proof.pk)
    ).order_by("at", "id")


def registration_proof_by_code(code: str) -> RegistrationProof | None:
    """The bewijs with this verification code, in any status, as typed or scanned; ``None``
    when the code is malformed or unknown. For the application flow: it shows the student's data,
    so call it only for someone entitled to them, and rate-limit it like the public check."""
    key = normalised(code)
    if key is None:
        return None
    return (
        RegistrationProof.objects.filter(code=key)
        .select_related("organisation", "offer", "cohort")
        .first()
    )


@dataclass(frozen=True, kw_only=True)
class PublicCheck:
    """What the public check may tell anyone holding a code: no data of the student."""

    status: ProofStatus
    training_name: str
    provider_name: str
    start_date: dt.date

    @property
    def is_valid(self) -> bool:
        return self.status == ProofStatus.ISSUED


def public_check(*, code: str) -> PublicCheck | None:
    """The public answer for a normalised code; ``None`` when no bewijs has it."""
    row = (
        RegistrationProof.objects.filter(code=code)
        .values_list("status", "training_name", "provider_name", "start_date")
        .first()
    )
    if row is None:
        return None
    status, training_name, provider_name, start_date = row
    return PublicCheck(
        status=ProofStatus(status),
        training_name=training_name,
        provider_name=provider_name,
        start_date=start_date,
    )
