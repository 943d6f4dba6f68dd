"""The rule catalogue of vooraanmeldingen: every check a file or a row can fail, with a stable id.

Each rule has an id that never changes meaning (``VA-…``), a stage (the file as a whole, the
structure of one row, or its content against the register), a severity (a *fout* keeps the row
out; a *waarschuwing* lets it in but asks the provider to look), the field it is about, a message
that says what is wrong and a hint that says how to fix it, both in Dutch with an English
translation. ``docs/formats/rules.md`` is generated from this module (``stap rules_catalogue``)
and a test keeps it in step, so the published catalogue cannot drift from the code.

Messages take named values (``%(limit)s``); a ``Finding`` is one rule broken by one row (or
file), with those values.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from django.utils.translation import gettext_lazy as _

from stap.enrolments.prereg import fields as f

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Severity(StrEnum):
    FOUT = "fout"
    WAARSCHUWING = "waarschuwing"


class Stage(StrEnum):
    FILE = "bestand"
    STRUCTURE = "structuur"
    CONTENT = "inhoud"


@dataclass(frozen=True)
class Rule:
    # Calling a rule makes a finding; a template must read its attributes instead.
    do_not_call_in_templates = True

    id: str
    stage: Stage
    severity: Severity
    field: str
    message: "_StrOrPromise"
    hint: "_StrOrPromise"

    def __call__(self, **values: object) -> "Finding":
        return Finding(rule=self, values=values)

    def finding(self, values: Mapping[str, object]) -> "Finding":
        """The finding again, from values as ``StagedRow.findings`` stores them."""
        return Finding(rule=self, values=values)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken, with the values its message names."""

    rule: Rule
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(self.rule.message) % self.values if self.values else str(self.rule.message)

    @property
    def hint(self) -> str:
        return str(self.rule.hint) % self.values if self.values else str(self.rule.hint)

    @property
    def field(self) -> str:
        """The field the finding is about: the rule's own, or the one its values name."""
        return self.rule.field or str(self.values.get("field", ""))

    @property
    def is_error(self) -> bool:
        return self.rule.severity == Severity.FOUT


RULES: dict[str, Rule] = {}


def _rule(
    id: str,
    stage: Stage,
    field_name: str,
    message: "_StrOrPromise",
    hint: "_StrOrPromise",
    severity: Severity = Severity.FOUT,
) -> Rule:
    if id in RULES:
        raise ValueError(f"rule {id} is defined twice")
    rule = Rule(id, stage, severity, field_name, message, hint)
    RULES[id] = rule
    return rule


S, C, F = Stage.STRUCTURE, Stage.CONTENT, Stage.FILE
WARNING = Severity.WAARSCHUWING

# --- The file as a whole ---------------------------------------------------------------------

FILE_EMPTY: Final = _rule(
    "VA-100",
    F,
    "",
    _("Het bestand is leeg."),
    _("Kies het bestand met de vooraanmeldingen en verstuur het opnieuw."),
)
FILE_TOO_LARGE: Final = _rule(
    "VA-101",
    F,
    "",
    _("Het bestand is %(size)s MB; het mag ten hoogste %(limit)s MB zijn."),
    _("Verdeel de vooraanmeldingen over meer bestanden van ten hoogste %(limit)s MB."),
)
FILE_NOT_TEXT: Final = _rule(
    "VA-102",
    F,
    "",
    _("Het bestand is geen CSV- of XML-bestand: het bevat tekens die niet in tekst voorkomen."),
    _(
        "Sla het bestand in Excel op als ‘CSV UTF-8 (gescheiden door komma’s)’, of lever het "
        "XML-bestand aan volgens het schema."
    ),
)
FILE_ENCODING: Final = _rule(
    "VA-103",
    F,
    "",
    _("Het bestand is niet te lezen als UTF-8 of Windows-1252 (regel %(line)s)."),
    _("Sla het bestand op als ‘CSV UTF-8’ en verstuur het opnieuw."),
)
FILE_NO_HEADER: Final = _rule(
    "VA-104",
    F,
    "",
    _("De eerste regel is geen kopregel met de namen van de kolommen."),
    _(
        "Zet op de eerste regel de kolomnamen uit de specificatie, gescheiden door een "
        "puntkomma of een komma, zoals studentnummer;voornaam."
    ),
)
FILE_UNKNOWN_COLUMN: Final = _rule(
    "VA-105",
    F,
    "",
    _("De kolom ‘%(column)s’ kennen wij niet."),
    _(
        "Bedoelt u ‘%(suggestion)s’? Gebruik de kolomnamen uit de specificatie, of laat de "
        "kolom weg."
    ),
)
FILE_UNKNOWN_COLUMN_NO_MATCH: Final = _rule(
    "VA-116",
    F,
    "",
    _("De kolom ‘%(column)s’ kennen wij niet, en zij lijkt op geen van onze kolommen."),
    _(
        "Laat de kolom weg, of geef haar de naam van een kolom uit de specificatie die nog "
        "ontbreekt: %(missing)s."
    ),
)
FILE_MISSING_COLUMN: Final = _rule(
    "VA-106",
    F,
    "",
    _("De verplichte kolom ‘%(column)s’ ontbreekt."),
    _("Voeg de kolom ‘%(column)s’ toe aan de kopregel, ook als u haar niet altijd vult."),
)
FILE_DUPLICATE_COLUMN: Final = _rule(
    "VA-107",
    F,
    "",
    _("De kolom ‘%(column)s’ staat twee keer in de kopregel."),
    _("Houd één kolom ‘%(column)s’ over."),
)
FILE_NO_ROWS: Final = _rule(
    "VA-108",
    F,
    "",
    _("Het bestand bevat geen enkele vooraanmelding."),
    _(
        "Zet in een CSV-bestand onder de kopregel één regel per student, of in een XML-bestand "
        "één <vooraanmelding> per student."
    ),
)
FILE_LINE_TOO_LONG: Final = _rule(
    "VA-109",
    F,
    "",
    _("Regel %(line)s is langer dan %(limit)s tekens."),
    _(
        'Controleer of een aanhalingsteken (") niet is afgesloten: dan leest alles erna als één '
        "veld."
    ),
)
FILE_XML_UNSAFE: Final = _rule(
    "VA-110",
    F,
    "",
    _("Het XML-bestand bevat een DOCTYPE (een DTD); dat staan wij om veiligheidsredenen niet toe."),
    _("Haal de regel <!DOCTYPE …> weg; het schema (XSD) beschrijft het formaat."),
)
FILE_XML_MALFORMED: Final = _rule(
    "VA-111",
    F,
    "",
    _("Het XML-bestand is niet goed gevormd (regel %(line)s): %(detail)s"),
    _("Controleer of elk element wordt afgesloten, en of & als &amp; is geschreven."),
)
FILE_XML_ROOT: Final = _rule(
    "VA-112",
    F,
    "",
    _("Het XML-bestand begint niet met <vooraanmeldingen> in de namespace %(namespace)s."),
    _("Neem het voorbeeldbestand uit de specificatie als begin."),
)
FILE_XML_COUNT: Final = _rule(
    "VA-113",
    F,
    "",
    _("De kop noemt %(stated)s vooraanmeldingen, maar het bestand bevat er %(found)s."),
    _(
        "Het bestand is misschien niet helemaal aangekomen of aangemaakt. Maak het opnieuw aan "
        "en verstuur het nog eens."
    ),
)
FILE_TOO_MANY_ROWS: Final = _rule(
    "VA-114",
    F,
    "",
    _("Het bestand bevat meer dan %(limit)s vooraanmeldingen."),
    _("Verdeel de vooraanmeldingen over meer bestanden."),
)
FILE_CHECK_STOPPED: Final = _rule(
    "VA-117",
    F,
    "",
    _(
        "De controle van dit bestand is %(attempts)s keer begonnen en steeds vastgelopen "
        "voordat zij klaar was."
    ),
    _(
        "Verdeel de vooraanmeldingen over kleinere bestanden en stuur die opnieuw. Gebeurt het "
        "dan weer, neem dan contact op met de servicedesk en noem het nummer van de upload."
    ),
)

FILE_XML_SCHEMA: Final = _rule(
    "VA-115",
    F,
    "",
    _("Het XML-bestand past niet in het schema (regel %(line)s): %(detail)s"),
    _("Vergelijk het bestand met het schema (XSD) en het voorbeeldbestand in de specificatie."),
)

# --- One row: its structure ------------------------------------------------------------------

ROW_CELLS: Final = _rule(
    "VA-001",
    S,
    "",
    _("De regel heeft %(found)s velden, de kopregel %(expected)s."),
    _(
        "Controleer of een waarde met het scheidingsteken erin tussen aanhalingstekens staat, "
        "en of er geen scheidingsteken te veel of te weinig is."
    ),
)
ROW_SCHEMA: Final = _rule(
    "VA-002",
    S,
    "",
    _("De vooraanmelding past niet in het schema: %(detail)s"),
    _("Vergelijk de vooraanmelding met het voorbeeld in de specificatie."),
)
REQUIRED: Final = _rule(
    "VA-003",
    S,
    "",
    _("Het veld ‘%(field)s’ is leeg."),
    _("Vul ‘%(field)s’ in; het is verplicht."),
)
REQUIRED_FOR_DUTCH_ADDRESS: Final = _rule(
    "VA-005",
    S,
    "",
    _("Het veld ‘%(field)s’ is leeg, en de student woont in Nederland."),
    _(
        "Vul ‘%(field)s’ in: bij een adres in Nederland zijn straatnaam, huisnummer en postcode "
        "verplicht. Woont de student in het buitenland, vul dan de landcode in."
    ),
)
TOO_LONG: Final = _rule(
    "VA-004",
    S,
    "",
    _("Het veld ‘%(field)s’ is %(length)s tekens lang; het mag ten hoogste %(limit)s tekens zijn."),
    _("Kort ‘%(field)s’ in tot %(limit)s tekens."),
)
STUDENTNUMMER_FORMAT: Final = _rule(
    "VA-010",
    S,
    f.STUDENTNUMMER,
    _("Het studentnummer ‘%(value)s’ bevat andere tekens dan letters en cijfers."),
    _("Gebruik alleen letters en cijfers, ten hoogste 20, zoals S2026001."),
)
DATE_FORMAT: Final = _rule(
    "VA-011",
    S,
    "",
    _("‘%(value)s’ in ‘%(field)s’ is geen geldige datum."),
    _("Schrijf de datum als JJJJ-MM-DD of DD-MM-JJJJ, bijvoorbeeld 2027-01-11 of 11-01-2027."),
)
HUISNUMMER_FORMAT: Final = _rule(
    "VA-012",
    S,
    f.HUISNUMMER,
    _("Het huisnummer ‘%(value)s’ is geen getal van 1 tot 5 cijfers."),
    _(
        "Zet alleen het nummer in huisnummer; een letter of toevoeging hoort in "
        "huisnummertoevoeging."
    ),
)
POSTCODE_FORMAT: Final = _rule(
    "VA-013",
    S,
    f.POSTCODE,
    _("De postcode ‘%(value)s’ is geen Nederlandse postcode."),
    _("Een postcode bestaat uit 4 cijfers en 2 letters, zoals 1234 AB."),
)
LAND_FORMAT: Final = _rule(
    "VA-014",
    S,
    f.LAND,
    _("‘%(value)s’ is geen landcode."),
    _("Gebruik de code van twee letters uit ISO 3166, zoals NL, BE of DE; leeg betekent NL."),
)
EMAIL_FORMAT: Final = _rule(
    "VA-015",
    S,
    f.EMAIL,
    _("‘%(value)s’ is geen geldig e-mailadres."),
    _("Vul een e-mailadres in zoals naam@voorbeeld.nl, of laat het veld leeg."),
)
SCHOLINGS_ID_FORMAT: Final = _rule(
    "VA-016",
    S,
    f.SCHOLINGS_ID,
    _("‘%(value)s’ is geen scholings-ID."),
    _(
        "Een scholings-ID is een UUID van 36 tekens, zoals "
        "3f2c1a9e-7b4d-4e8a-9c1f-2d3e4f5a6b7c. U vindt het in het Scholingsregister."
    ),
)
AMOUNT_FORMAT: Final = _rule(
    "VA-017",
    S,
    f.SUBSIDIEBEDRAG,
    _("Het subsidiebedrag ‘%(value)s’ is geen bedrag in euro’s."),
    _("Schrijf het bedrag zonder euroteken, met ten hoogste twee decimalen: 950,00 of 950.00."),
)
END_BEFORE_START: Final = _rule(
    "VA-018",
    S,
    f.EINDDATUM,
    _("De einddatum %(end)s ligt vóór de startdatum %(start)s."),
    _("Controleer beide datums; de einddatum mag ook leeg blijven."),
)
STUDY_YEAR_ORDER: Final = _rule(
    "VA-019",
    S,
    f.STUDIEJAAR_EIND,
    _("Het studiejaar eindigt (%(end)s) vóór of op de dag dat het begint (%(start)s)."),
    _("Controleer studiejaar_begin en studiejaar_eind."),
)
STUDY_YEAR_HALF: Final = _rule(
    "VA-020",
    S,
    "",
    _("Van het studiejaar is alleen %(given)s ingevuld."),
    _("Vul studiejaar_begin en studiejaar_eind allebei in, of laat ze allebei leeg."),
)

# --- One row: its content, against the register ----------------------------------------------

OFFER_UNKNOWN: Final = _rule(
    "VA-030",
    C,
    f.SCHOLINGS_ID,
    _("Het scholings-ID %(value)s staat niet in het Scholingsregister."),
    _("Zoek de opleiding op in het Scholingsregister en neem het scholings-ID over."),
)
OFFER_OTHER_PROVIDER: Final = _rule(
    "VA-031",
    C,
    f.SCHOLINGS_ID,
    _("Het scholings-ID %(value)s hoort bij een andere opleider dan uw organisatie."),
    _("U kunt alleen studenten vooraanmelden voor uw eigen aanbod. Controleer het scholings-ID."),
)
OFFER_NOT_ELIGIBLE: Final = _rule(
    "VA-032",
    C,
    f.SCHOLINGS_ID,
    _("Deze opleiding kan nu niet worden gekozen voor het STAP-budget: %(reason)s."),
    _("Vraag DUO of uw erkennende organisatie wat u moet doen, of kies ander aanbod."),
)
COHORT_UNKNOWN: Final = _rule(
    "VA-033",
    C,
    f.COHORTCODE,
    _("De cohortcode ‘%(value)s’ bestaat niet bij deze opleiding."),
    _("Neem de cohortcode van het startmoment over uit het Scholingsregister."),
)
COHORT_CLOSED: Final = _rule(
    "VA-034",
    C,
    f.COHORTCODE,
    _("Het startmoment ‘%(value)s’ is gesloten voor aanmelding."),
    _("Kies een open startmoment, of open dit startmoment weer in Mijn DUO zakelijk."),
)
AMOUNT_NOT_POSITIVE: Final = _rule(
    "VA-035",
    C,
    f.SUBSIDIEBEDRAG,
    _("Het subsidiebedrag moet groter zijn dan € 0."),
    _("Vul het bedrag in dat de student bij UWV aanvraagt, ten hoogste € 1.000."),
)
AMOUNT_ABOVE_COHORT: Final = _rule(
    "VA-036",
    C,
    f.SUBSIDIEBEDRAG,
    _(
        "Het subsidiebedrag € %(value)s is hoger dan het STAP-subsidiabele bedrag van dit "
        "startmoment (€ %(limit)s)."
    ),
    _("Vul ten hoogste € %(limit)s in, of pas eerst de prijs van het startmoment aan."),
)
AMOUNT_ABOVE_MAXIMUM: Final = _rule(
    "VA-037",
    C,
    f.SUBSIDIEBEDRAG,
    _("Het subsidiebedrag € %(value)s is hoger dan het STAP-budget van € 1.000."),
    _("Vul ten hoogste € 1.000,00 in."),
)
START_OUTSIDE_INTAKE: Final = _rule(
    "VA-038",
    C,
    f.STARTDATUM,
    _("De startdatum %(value)s valt buiten de instroomperiode van dit startmoment (%(window)s)."),
    _("Gebruik een startdatum in de instroomperiode, of kies het juiste startmoment."),
)
TOO_YOUNG: Final = _rule(
    "VA-039",
    C,
    f.GEBOORTEDATUM,
    _("De student is op de startdatum nog geen 18 jaar."),
    _("Het STAP-budget is voor wie 18 jaar of ouder is. Controleer de geboortedatum."),
)
PAST_PENSION_AGE: Final = _rule(
    "VA-040",
    C,
    f.GEBOORTEDATUM,
    _("De student heeft op de startdatum de AOW-leeftijd bereikt (op %(date)s)."),
    _("Het STAP-budget is voor wie de AOW-leeftijd nog niet heeft. Controleer de geboortedatum."),
)
STUDY_YEAR_REQUIRED: Final = _rule(
    "VA-041",
    C,
    f.STUDIEJAAR_BEGIN,
    _("Dit is een meerjarige opleiding: het studiejaar is niet ingevuld."),
    _("Vul studiejaar_begin en studiejaar_eind in met de datums van het studiejaar."),
)
STUDY_YEAR_NOT_ALLOWED: Final = _rule(
    "VA-042",
    C,
    f.STUDIEJAAR_BEGIN,
    _("Dit is geen meerjarige opleiding, maar er is een studiejaar ingevuld."),
    _("Laat studiejaar_begin en studiejaar_eind leeg; ze zijn alleen voor meerjarige opleidingen."),
)
STUDY_YEAR_OUTSIDE_COHORT: Final = _rule(
    "VA-043",
    C,
    f.STUDIEJAAR_BEGIN,
    _("Het studiejaar valt niet binnen de looptijd van het startmoment (%(window)s)."),
    _("Controleer de datums van het studiejaar, of kies het juiste startmoment."),
)
DUPLICATE_IN_FILE: Final = _rule(
    "VA-044",
    C,
    f.STUDENTNUMMER,
    _("Deze student staat al op regel %(row)s met dezelfde opleiding en startdatum."),
    _("Houd één regel per student, opleiding en startdatum over."),
)
START_IN_THE_PAST: Final = _rule(
    "VA-048",
    C,
    f.STARTDATUM,
    _("De startdatum %(value)s ligt in het verleden."),
    _(
        "Een student kan STAP-budget alleen aanvragen voor een opleiding die nog moet beginnen. "
        "Kies een later startmoment; bij een meerjarige opleiding telt het studiejaar."
    ),
)
END_DIFFERS: Final = _rule(
    "VA-045",
    C,
    f.EINDDATUM,
    _("De einddatum %(value)s wijkt af van de einddatum van het startmoment (%(cohort)s)."),
    _("Controleer de einddatum; als die klopt, hoeft u niets te doen."),
    WARNING,
)
AMOUNT_BELOW_COHORT: Final = _rule(
    "VA-046",
    C,
    f.SUBSIDIEBEDRAG,
    _(
        "Het subsidiebedrag € %(value)s is lager dan het STAP-subsidiabele bedrag van dit "
        "startmoment (€ %(cohort)s)."
    ),
    _("Controleer het bedrag; als de student minder aanvraagt, hoeft u niets te doen."),
    WARNING,
)
SAME_NUMBER_OTHER_PERSON: Final = _rule(
    "VA-047",
    C,
    f.STUDENTNUMMER,
    _("Het studentnummer staat op regel %(row)s ook, maar met een andere naam of geboortedatum."),
    _("Controleer of het studentnummer bij de juiste student hoort."),
    WARNING,
)
