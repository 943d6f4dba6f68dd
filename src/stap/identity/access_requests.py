"""The "Toegang Mijn DUO" request: asking DUO for roles, DUO checking and deciding, and people
picking up the roles they were given.

A request comes in through the portal (the requester is signed in) or as a form: filled in on a
public page, printed as a PDF, signed by an authorised signatory and uploaded with the upload code
printed on it. DUO staff check the signatory's authority by hand. A request that makes someone a
beheerder needs two different staff members: one checks, the other approves.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.core.models import ActorKind, Channel
from stap.core.notifications import email_enqueue
from stap.core.sequences import next_number
from stap.identity import throttle
from stap.identity.models import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestPerson,
    AccessRequestStatus,
    DuoRole,
    Organisation,
    User,
)
from stap.identity.roles import role_assign
from stap.identity.services import organisation_register
from stap.identity.signed_pdf import check_signed_pdf
from stap.identity.signin import EHerkenningIdentity

S = AccessRequestStatus
MAX_PERSONS = 10
CLAIM_CODE_VALID = dt.timedelta(days=30)
# Crockford's base32 without the letters people mix up (I, L, O, U): 12 characters = 60 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


class AccessRequestRefused(DomainError):
    code = "access_request_refused"


@dataclass(frozen=True, kw_only=True)
class PersonAsked:
    name: str
    email: str
    roles: tuple[DuoRole, ...]
    user: User | None = None


@dataclass(frozen=True, kw_only=True)
class RequestDetails:
    kvk_number: str
    organisation_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    coordinator_name: str
    coordinator_email: str
    signatory_name: str
    signatory_function: str
    persons: tuple[PersonAsked, ...]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def formatted_code(code: str) -> str:
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


def normalised_code(typed: str) -> str:
    """What people type, as we stored it: case, spaces and dashes do not matter; O is 0, I/L 1."""
    cleaned = "".join(typed.split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans("OIL", "011"))


def _digest(code: str) -> str:
    return hashlib.sha256(normalised_code(code).encode()).hexdigest()


def _create(*, actor: Actor, details: RequestDetails, channel: str, status: str) -> AccessRequest:
    if not details.persons:
        raise AccessRequestRefused(
            _("Vul minstens één persoon in met de rollen die hij of zij nodig heeft.")
        )
    if len(details.persons) > MAX_PERSONS:
        raise AccessRequestRefused(
            _("Vraag voor ten hoogste %(max)d personen tegelijk rollen aan.") % {"max": MAX_PERSONS}
        )
    if any(not person.roles for person in details.persons):
        raise AccessRequestRefused(_("Kies voor iedere persoon minstens één rol."))
    now = clock.now()
    request = AccessRequest(
        reference=f"TMD-{now.year}-{next_number(f'access-request-{now.year}'):06d}",
        channel=channel,
        status=status,
        kvk_number=details.kvk_number,
        organisation_name=details.organisation_name,
        organisation=Organisation.objects.filter(kvk_number=details.kvk_number).first(),
        contact_name=details.contact_name,
        contact_email=details.contact_email,
        contact_phone=details.contact_phone,
        coordinator_name=details.coordinator_name,
        coordinator_email=details.coordinator_email,
        signatory_name=details.signatory_name,
        signatory_function=details.signatory_function,
        created_at=now,
        submitted_at=now if status == S.SUBMITTED else None,
    )
    request.full_clean(exclude=["signed_form"])
    request.save()
    for person in details.persons:
        AccessRequestPerson.objects.create(
            request=request,
            name=person.name,
            email=person.email,
            roles=[role.value for role in person.roles],
            user=person.user,
        )
    audit_record(
        actor=actor,
        action="identity.access_request_created",
        target=request,
        after={
            "reference": request.reference,
            "channel": channel,
            "persons": [
                {"name": person.name, "roles": [role.value for role in person.roles]}
                for person in details.persons
            ],
        },
        organisation_kvk=details.kvk_number,
    )
    return request


@transaction.atomic
def access_request_submit(
    *, actor: Actor, details: RequestDetails, requested_by: User
) -> AccessRequest:
    """A request made in the portal by someone signed in for ``details.kvk_number``."""
    request = _create(
        actor=actor, details=details, channel=AccessRequestChannel.PORTAL, status=S.SUBMITTED
    )
    request.requested_by = requested_by
    request.save(update_fields=["requested_by"])
    _email_contact(
        request,
        subject=f"Aanvraag Toegang Mijn DUO ontvangen ({request.reference})",
        body=(
            f"Wij hebben uw aanvraag Toegang Mijn DUO met kenmerk {request.reference} ontvangen. "
            "DUO controleert de tekenbevoegdheid en beslist binnen 10 werkdagen. U krijgt "
            "daarover bericht."
        ),
    )
    return request


@transaction.atomic
def access_request_start_form(
    *, details: RequestDetails, upload_page_url: str
) -> tuple[AccessRequest, str]:
    """A request filled in on the public page; it counts once the signed form is uploaded.

    Returns the request and its upload code (printed on the form, stored only as a hash).
    """
    actor = Actor(
        kind=ActorKind.PERSON,
        identifier=f"formulier:{details.contact_email}"[:200],
        channel=Channel.PORTAL,
        organisation_kvk=details.kvk_number,
    )
    request = _create(
        actor=actor,
        details=details,
        channel=AccessRequestChannel.FORM,
        status=S.AWAITING_SIGNATURE,
    )
    upload_code = new_code()
    request.upload_key_hash = _digest(upload_code)
    request.save(update_fields=["upload_key_hash"])
    _email_contact(
        request,
        subject=f"Uw formulier Toegang Mijn DUO ({request.reference})",
        body=(
            f"U heeft het formulier Toegang Mijn DUO ingevuld (kenmerk {request.reference}).\n\n"
            "Print het formulier, laat het ondertekenen door iemand die volgens het "
            "Handelsregister van de KvK tekenbevoegd is, scan het en upload het op "
            f"{upload_page_url} met het kenmerk en de uploadcode die op het formulier staan.\n\n"
            "Pas na het uploaden neemt DUO uw aanvraag in behandeling."
        ),
    )
    return request, upload_code


def access_request_upload_signed(
    *, reference: str, upload_code: str, data: bytes, filename: str
) -> AccessRequest:
    """Attach the signed form. Wrong codes count towards a lock, like failed sign-ins."""
    account = f"upload:{reference.strip().upper()}"
    if throttle.is_locked(account):
        raise AccessRequestRefused(
            _(
                "Er is te vaak een verkeerde uploadcode ingevuld voor dit kenmerk. Wacht 15 "
                "minuten en probeer het opnieuw."
            ),
            code="locked",
        )
    with transaction.atomic():
        request = (
            AccessRequest.objects.select_for_update()
            .filter(reference=reference.strip().upper(), channel=AccessRequestChannel.FORM)
            .first()
        )
        if request is None or not hmac.compare_digest(
            request.upload_key_hash, _digest(upload_code)
        ):
            request = None
        if request is not None and request.status != S.AWAITING_SIGNATURE:
            raise AccessRequestRefused(
                _(
                    "Voor deze aanvraag is het ondertekende formulier al ontvangen. U hoeft niets "
                    "meer te doen; DUO laat u weten wat er met de aanvraag gebeurt."
                ),
                code="already_uploaded",
            )
        if request is not None:
            check_signed_pdf(data, filename=filename)
            request.signed_form = data
            request.signed_form_sha256 = hashlib.sha256(data).hexdigest()
            request.status = S.SUBMITTED
            request.submitted_at = clock.now()
            request.save(
                update_fields=["signed_form", "signed_form_sha256", "status", "submitted_at"]
            )
            audit_record(
                actor=Actor(
                    kind=ActorKind.PERSON,
                    identifier=f"formulier:{request.reference}",
                    channel=Channel.PORTAL,
                    organisation_kvk=request.kvk_number,
                ),
                action="identity.access_request_signed_form_uploaded",
                target=request,
                after={"sha256": request.signed_form_sha256, "bytes": len(data)},
            )
            throttle.clear(account)
            return request
    throttle.record_failure(account)
    raise AccessRequestRefused(
        _(
            "Het kenmerk of de uploadcode klopt niet. Neem ze precies over van het formulier "
            "(bijvoorbeeld TMD-2026-000123 en ABCD-EFGH-JKMN)."
        ),
        code="unknown",
    )


def _lock(request: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request: AccessRequest) -> None:
    if request.status not in (S.SUBMITTED, S.CHECKED):
        raise AccessRequestRefused(
            _("Deze aanvraag heeft status ‘%(status)s’ en kan niet meer worden beoordeeld.")
            % {"status": request.get_status_display()}
        )


@transaction.atomic
def access_request_check(*, actor: Actor, request: AccessRequest, note: str) -> AccessRequest:
    """First of two steps for a request that makes someone a beheerder: the signatory's
    authority was checked by hand (Handelsregister)."""
    request = _lock(request)
    _require_open(request)
    if request.status == S.CHECKED:
        raise AccessRequestRefused(_("Deze aanvraag is al gecontroleerd."))
    if not note.strip():
        raise AccessRequestRefused(
            _(
                "Beschrijf hoe u de tekenbevoegdheid heeft gecontroleerd, bijvoorbeeld het "
                "uittreksel uit het Handelsregister."
            )
        )
    request.status = S.CHECKED
    request.checked_at = clock.now()
    request.checked_by = actor.identifier
    request.check_note = note.strip()
    request.save(update_fields=["status", "checked_at", "checked_by", "check_note"])
    audit_record(
        actor=actor,
        action="identity.access_request_checked",
        target=request,
        after={"note": request.check_note},
        organisation_kvk=request.kvk_number,
    )
    return request


@transaction.atomic
def access_request_approve(
    *, actor: Actor, request: AccessRequest, note: str = ""
) -> AccessRequest:
    """Approve: roles for known users at once, single-use codes by e-mail for everyone else."""
    request = _lock(request)
    _require_open(request)
    if request.makes_beheerder:
        if request.status != S.CHECKED:
            raise AccessRequestRefused(
                _(
                    "Deze aanvraag maakt iemand beheerder. Een collega controleert eerst de "
                    "tekenbevoegdheid; daarna keurt u of een ander de aanvraag goed."
                )
            )
        if request.checked_by == actor.identifier:
            raise AccessRequestRefused(
                _(
                    "U heeft deze aanvraag zelf gecontroleerd. Een aanvraag die iemand beheerder "
                    "maakt, keurt een andere medewerker goed (vier ogen)."
                )
            )
    elif request.status == S.SUBMITTED:
        if not note.strip():
            raise AccessRequestRefused(
                _("Beschrijf hoe u de tekenbevoegdheid heeft gecontroleerd.")
            )
        request.checked_at, request.checked_by, request.check_note = (
            clock.now(),
            actor.identifier,
            note.strip(),
        )
    organisation = (
        request.organisation or Organisation.objects.filter(kvk_number=request.kvk_number).first()
    )
    if organisation is None:
        organisation = organisation_register(
            actor=actor, kvk_number=request.kvk_number, name=request.organisation_name
        )
    request.organisation = organisation
    request.status = S.APPROVED
    request.decided_at = clock.now()
    request.decided_by = actor.identifier
    request.save()
    for person in request.persons.select_related("user"):
        if person.user is not None and person.user.is_active:
            _grant(actor=actor, person=person, user=person.user, organisation=organisation)
        else:
            _send_claim_code(person, organisation)
    audit_record(
        actor=actor,
        action="identity.access_request_approved",
        target=request,
        after={"organisation": organisation.kvk_number},
        organisation_kvk=request.kvk_number,
    )
    _email_contact(
        request,
        subject=f"Aanvraag Toegang Mijn DUO goedgekeurd ({request.reference})",
        body=(
            f"DUO heeft uw aanvraag Toegang Mijn DUO met kenmerk {request.reference} "
            "goedgekeurd. Wie al in Mijn DUO zakelijk is ingelogd, heeft de rollen nu. De andere "
            "personen krijgen een e-mail met een code om hun rollen op te halen."
        ),
    )
    return request


def _grant(
    *, actor: Actor, person: AccessRequestPerson, user: User, organisation: Organisation
) -> None:
    if user.organisation_id is None:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    for role in person.roles:
        role_assign(
            actor=actor,
            user=user,
            organisation=organisation,
            role=DuoRole(role),
            because=f"Toegang Mijn DUO {person.request.reference}",
        )
    person.user = user
    person.claimed_at = clock.now()
    person.save(update_fields=["user", "claimed_at"])


def _send_claim_code(person: AccessRequestPerson, organisation: Organisation) -> None:
    code = new_code()
    person.claim_code_hash = _digest(code)
    person.claim_expires_at = clock.now() + CLAIM_CODE_VALID
    person.save(update_fields=["claim_code_hash", "claim_expires_at"])
    email_enqueue(
        to=[person.email],
        subject="Uw rollen in Mijn DUO zakelijk",
        body=(
            f"Beste {person.name},\n\n"
            f"DUO heeft u rollen gegeven in Mijn DUO zakelijk voor {organisation.name} "
            f"({', '.join(person.role_labels())}).\n\n"
            "Log in op Mijn DUO zakelijk met eHerkenning (niveau EH3 of hoger, machtiging voor "
            "‘Mijn DUO voor zakelijke gebruikers’) en vul deze code in bij ‘Rollen ophalen’:\n\n"
            f"    {formatted_code(code)}\n\n"
            f"De code werkt één keer en is geldig tot {person.claim_expires_at:%d-%m-%Y}.\n\nDUO"
        ),
    )


@transaction.atomic
def access_request_reject(*, actor: Actor, request: AccessRequest, reason: str) -> AccessRequest:
    request = _lock(request)
    _require_open(request)
    if not reason.strip():
        raise AccessRequestRefused(
            _("Schrijf de reden van de afwijzing op; de aanvrager krijgt die te lezen.")
        )
    request.status = S.REJECTED
    request.decided_at = clock.now()
    request.decided_by = actor.identifier
    request.rejection_reason = reason.strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    audit_record(
        actor=actor,
        action="identity.access_request_rejected",
        target=request,
        after={"reason": request.rejection_reason},
        organisation_kvk=request.kvk_number,
    )
    _email_contact(
        request,
        subject=f"Aanvraag Toegang Mijn DUO afgewezen ({request.reference})",
        body=(
            f"DUO heeft uw aanvraag Toegang Mijn DUO met kenmerk {request.reference} afgewezen.\n\n"
            f"Reden: {request.rejection_reason}\n\n"
            "U kunt een nieuwe aanvraag doen waarin dit is opgelost."
        ),
    )
    return request


def access_roles_claim(*, identity: EHerkenningIdentity, user: User, code: str) -> list[str]:
    """Someone signed in with eHerkenning picks up the roles a request gave them."""
    account = f"claim:{user.username}"
    if throttle.is_locked(account):
        raise AccessRequestRefused(
            _(
                "Er is te vaak een verkeerde code ingevuld. Wacht 15 minuten en probeer het "
                "opnieuw."
            ),
            code="locked",
        )
    with transaction.atomic():
        person = (
            AccessRequestPerson.objects.select_for_update()
            .select_related("request")
            .filter(
                claim_code_hash=_digest(code),
                claimed_at__isnull=True,
                claim_expires_at__gt=clock.now(),
                request__status=S.APPROVED,
                request__kvk_number=identity.kvk_number,
            )
            .first()
        )
        if person is not None and person.request.organisation is not None:
            organisation = person.request.organisation
            actor = identity.actor()
            if user.organisation_id not in (None, organisation.pk):
                raise AccessRequestRefused(_("Deze code hoort bij een andere organisatie."))
            if not user.display_name:
                user.display_name = person.name
                user.email = user.email or person.email
                user.save(update_fields=["display_name", "email"])
            _grant(actor=actor, person=person, user=user, organisation=organisation)
            audit_record(
                actor=actor,
                action="identity.access_roles_claimed",
                target=person.request,
                after={"user": user.username, "roles": person.roles},
                organisation_kvk=organisation.kvk_number,
            )
            throttle.clear(account)
            return list(person.roles)
    throttle.record_failure(account)
    raise AccessRequestRefused(
        _(
            "Deze code is onbekend, al gebruikt, verlopen of hoort bij een ander KvK-nummer. "
            "Controleer de code in de e-mail van DUO; is hij verlopen, vraag dan uw beheerder of "
            "doe een nieuwe aanvraag Toegang Mijn DUO."
        ),
        code="unknown",
    )


def _email_contact(request: AccessRequest, *, subject: str, body: str) -> None:
    email_enqueue(
        to=[request.contact_email],
        subject=subject,
        body=f"Beste {request.contact_name},\n\n{body}\n\nDUO",
    )
