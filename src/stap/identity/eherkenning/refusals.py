"""Why a sign-in is refused, and what we tell the person (in Dutch, with how to fix it).

``Reason``, ``SignInRefused`` and ``refusal_page`` are shared with the DigiD sign-in, which has its
own explanations (``stap.identity.digid.refusals``).
"""

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.core.audit import Actor, audit_record
from stap.core.models import ActorKind, Channel


class Reason(StrEnum):
    """Stable reason codes: they go into the audit trail and the logs."""

    CANCELLED = "cancelled"
    BROKER_ERROR = "broker_error"
    BACK_CHANNEL = "back_channel_unavailable"
    INVALID_ARTIFACT = "invalid_artifact"
    REPLAY = "replay"
    SESSION_MISMATCH = "session_mismatch"
    INVALID_RESPONSE = "invalid_response"
    LEVEL_TOO_LOW = "level_too_low"
    WRONG_SERVICE = "wrong_service"
    KVK_MISSING = "kvk_missing"
    UNKNOWN_SERVICE = "unknown_service"
    # DigiD
    WRONG_SECTOR = "wrong_sector"
    BSN_INVALID = "bsn_invalid"


@dataclass(frozen=True)
class Explanation:
    title: Promise
    what: Promise
    fix: Promise


EXPLANATIONS: dict[Reason, Explanation] = {
    Reason.CANCELLED: Explanation(
        _("Inloggen is afgebroken"),
        _(
            "Het inloggen met eHerkenning is afgebroken, of eHerkenning kon u niet inloggen voor "
            "de dienst ‘%(service)s’."
        ),
        _(
            "Probeer het opnieuw. Lukt het niet omdat u geen machtiging heeft? Vraag de "
            "machtigingenbeheerder eHerkenning van uw organisatie om een machtiging voor de "
            "dienst ‘%(service)s’ op betrouwbaarheidsniveau %(required)s of hoger."
        ),
    ),
    Reason.BROKER_ERROR: Explanation(
        _("eHerkenning meldt een fout"),
        _("Uw eHerkenningsmiddel of -leverancier meldde een fout."),
        _(
            "Probeer het over een paar minuten opnieuw. Blijft het misgaan? Neem contact op met "
            "de leverancier van uw eHerkenningsmiddel."
        ),
    ),
    Reason.BACK_CHANNEL: Explanation(
        _("eHerkenning is nu niet bereikbaar"),
        _("We konden uw inloggegevens niet ophalen bij eHerkenning."),
        _("Probeer het over een paar minuten opnieuw."),
    ),
    Reason.INVALID_ARTIFACT: Explanation(
        _("Ongeldige inlogpoging"),
        _("De gegevens waarmee u terugkwam van eHerkenning zijn ongeldig."),
        _("Begin opnieuw vanaf de startpagina en log opnieuw in."),
    ),
    Reason.REPLAY: Explanation(
        _("Deze inlogpoging is al gebruikt"),
        _(
            "Elke inlogpoging met eHerkenning kan maar één keer worden gebruikt, bijvoorbeeld "
            "niet opnieuw via de terugknop van de browser."
        ),
        _("Begin opnieuw vanaf de startpagina en log opnieuw in."),
    ),
    Reason.SESSION_MISMATCH: Explanation(
        _("Deze inlogpoging hoort niet bij deze browser"),
        _(
            "U kwam terug van eHerkenning zonder dat het inloggen in deze browser was begonnen, "
            "of het inloggen duurde te lang."
        ),
        _(
            "Begin opnieuw vanaf de startpagina in dezelfde browser. Heeft u niet zelf geprobeerd "
            "in te loggen? Dan hoeft u niets te doen."
        ),
    ),
    Reason.INVALID_RESPONSE: Explanation(
        _("Het antwoord van eHerkenning is afgekeurd"),
        _(
            "Het antwoord van eHerkenning voldeed niet aan de veiligheidseisen en is daarom niet "
            "gebruikt."
        ),
        _(
            "Probeer het opnieuw. Blijft het misgaan? Neem contact op met de servicedesk en "
            "noem het tijdstip."
        ),
    ),
    Reason.LEVEL_TOO_LOW: Explanation(
        _("Uw eHerkenningsniveau is te laag"),
        _(
            "Voor de dienst ‘%(service)s’ heeft u eHerkenning op niveau %(required)s of hoger "
            "nodig. U logde in op niveau %(level)s."
        ),
        _(
            "Vraag de machtigingenbeheerder eHerkenning van uw organisatie om een middel en een "
            "machtiging voor de dienst ‘%(service)s’ op niveau %(required)s (of hoger), en log "
            "daarmee opnieuw in."
        ),
    ),
    Reason.WRONG_SERVICE: Explanation(
        _("Geen machtiging voor deze dienst"),
        _("U bent ingelogd met een machtiging voor een andere dienst, niet voor ‘%(service)s’."),
        _(
            "Vraag de machtigingenbeheerder eHerkenning van uw organisatie om een machtiging "
            "voor de dienst ‘%(service)s’ op betrouwbaarheidsniveau %(required)s of hoger, en "
            "log daarna opnieuw in."
        ),
    ),
    Reason.KVK_MISSING: Explanation(
        _("Geen geldig KvK-nummer ontvangen"),
        _(
            "eHerkenning gaf geen geldig KvK-nummer (8 cijfers) van uw organisatie door. Alleen "
            "organisaties met een KvK-nummer kunnen dit portaal gebruiken."
        ),
        _(
            "Log in met een eHerkenningsmiddel van een organisatie die in het Handelsregister "
            "van de KvK staat. Vraag zo nodig de leverancier van uw middel om hulp."
        ),
    ),
    Reason.UNKNOWN_SERVICE: Explanation(
        _("Onbekende dienst"),
        _("Deze dienst bestaat niet."),
        _("Begin opnieuw vanaf de startpagina."),
    ),
}


class SignInRefused(Exception):
    """A sign-in that must not go on; ``detail`` is for the log only, never for the person."""

    def __init__(
        self,
        reason: Reason,
        detail: str,
        *,
        level: str = "",
        kvk_number: str = "",
        pseudonym: str = "",
        masked_bsn: str = "",
    ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.level = level
        self.kvk_number = kvk_number
        self.pseudonym = pseudonym
        self.masked_bsn = masked_bsn  # DigiD: a trace of who it was, never the BSN itself
        self.service = ""  # the service key, once the answer is matched to its request

    def actor(self, system_name: str) -> Actor:
        """Who was refused, as far as the answer said: a person (eHerkenning pseudonym), a citizen
        (a masked BSN), or only the sign-in system ``system_name``."""
        if self.pseudonym:
            kind, identifier = ActorKind.PERSON, self.pseudonym
        elif self.masked_bsn:
            kind, identifier = ActorKind.CITIZEN, self.masked_bsn
        else:
            kind, identifier = ActorKind.SYSTEM, system_name
        return Actor(
            kind=kind,
            identifier=identifier,
            organisation_kvk=self.kvk_number,
            channel=Channel.SIGN_IN,
        )


def refusal_page(
    request: HttpRequest,
    refusal: SignInRefused,
    *,
    scheme: str,
    logger: logging.Logger,
    service: str,
    explanation: Explanation,
    values: dict[str, str],
    start_url: str,
) -> HttpResponse:
    """Log it (never the BSN: ``detail`` does not hold it), store nothing but an audit entry, and
    tell the person what happened and what to do."""
    logger.warning("%s sign-in refused (%s): %s", scheme, refusal.reason, refusal.detail)
    with transaction.atomic():
        audit_record(
            actor=refusal.actor(scheme.lower()),
            action="identity.sign_in_refused",
            after={"reason": str(refusal.reason), "service": service, "level": refusal.level},
        )
    status = 503 if refusal.reason == Reason.BACK_CHANNEL else 403
    return render(
        request,
        "eherkenning/refused.html",
        {
            "title": explanation.title,
            "what": str(explanation.what) % values,
            "fix": str(explanation.fix) % values,
            "reason": refusal.reason,
            "start_url": start_url,
        },
        status=status,
    )
