"""Why a sign-in is refused, and what we tell the person (in Dutch, with how to fix it)."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.level = level
        self.kvk_number = kvk_number
        self.pseudonym = pseudonym
        self.service = ""  # the service key, once the answer is matched to its request
