"""What we tell a citizen whose DigiD sign-in is refused (the reasons are shared with eHerkenning).

Where the advice does not depend on the scheme, the eHerkenning text is used as it is.
"""

from django.utils.translation import gettext_lazy as _

from stap.identity.eherkenning.refusals import EXPLANATIONS as EHERKENNING_EXPLANATIONS
from stap.identity.eherkenning.refusals import Explanation, Reason

_START_AGAIN = EHERKENNING_EXPLANATIONS[Reason.INVALID_ARTIFACT].fix
_SERVICE_DESK = EHERKENNING_EXPLANATIONS[Reason.INVALID_RESPONSE].fix

EXPLANATIONS: dict[Reason, Explanation] = {
    Reason.CANCELLED: Explanation(
        _("Inloggen is afgebroken"),
        _("Het inloggen met DigiD is afgebroken."),
        _("Wilt u toch inloggen? Begin opnieuw en kies ‘Inloggen met DigiD’."),
    ),
    Reason.BROKER_ERROR: Explanation(
        _("DigiD meldt een fout"),
        _("DigiD kon het inloggen niet afronden."),
        _(
            "Probeer het over een paar minuten opnieuw. Lukt het dan nog niet? Kijk op digid.nl "
            "of er een storing is."
        ),
    ),
    Reason.BACK_CHANNEL: Explanation(
        _("DigiD is nu niet bereikbaar"),
        _("We konden uw inloggegevens niet ophalen bij DigiD."),
        EHERKENNING_EXPLANATIONS[Reason.BACK_CHANNEL].fix,
    ),
    Reason.INVALID_ARTIFACT: Explanation(
        EHERKENNING_EXPLANATIONS[Reason.INVALID_ARTIFACT].title,
        _("De gegevens waarmee u terugkwam van DigiD zijn ongeldig."),
        _START_AGAIN,
    ),
    Reason.REPLAY: Explanation(
        EHERKENNING_EXPLANATIONS[Reason.REPLAY].title,
        _(
            "Elke inlogpoging met DigiD kan maar één keer worden gebruikt, bijvoorbeeld niet "
            "opnieuw via de terugknop van de browser."
        ),
        _START_AGAIN,
    ),
    Reason.SESSION_MISMATCH: Explanation(
        EHERKENNING_EXPLANATIONS[Reason.SESSION_MISMATCH].title,
        _(
            "U kwam terug van DigiD zonder dat het inloggen in deze browser was begonnen, of het "
            "inloggen duurde te lang."
        ),
        EHERKENNING_EXPLANATIONS[Reason.SESSION_MISMATCH].fix,
    ),
    Reason.INVALID_RESPONSE: Explanation(
        _("Het antwoord van DigiD is afgekeurd"),
        _(
            "Het antwoord van DigiD voldeed niet aan de veiligheidseisen en is daarom niet "
            "gebruikt."
        ),
        _SERVICE_DESK,
    ),
    Reason.LEVEL_TOO_LOW: Explanation(
        _("U moet inloggen met de DigiD app of met sms-controle"),
        _(
            "Voor %(service)s heeft u DigiD op betrouwbaarheidsniveau %(required)s of hoger nodig. "
            "U logde in op niveau %(level)s: alleen met gebruikersnaam en wachtwoord is niet "
            "genoeg."
        ),
        _(
            "Log opnieuw in met de DigiD app, of met gebruikersnaam, wachtwoord en sms-controle. "
            "Heeft u die nog niet? Op digid.nl leest u hoe u de DigiD app of de sms-controle "
            "aanzet."
        ),
    ),
    Reason.WRONG_SECTOR: Explanation(
        _("Geen burgerservicenummer ontvangen"),
        _(
            "DigiD gaf geen burgerservicenummer (BSN) door, maar een ander soort nummer. "
            "%(service)s werkt alleen met een BSN."
        ),
        _(
            "Heeft u een sofinummer en geen BSN? Dan kunt u %(service)s niet met DigiD gebruiken. "
            "Neem contact op met de servicedesk."
        ),
    ),
    Reason.BSN_INVALID: Explanation(
        _("Geen geldig burgerservicenummer ontvangen"),
        _("DigiD gaf geen geldig burgerservicenummer (BSN) door."),
        _SERVICE_DESK,
    ),
}
