"""The value lists of the register, after DUO's RIO schema (codes as RIO sends them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognitionKind(models.TextChoices):
    """Who recognised the provider; without a valid recognition nothing is offered for STAP."""

    NRTO = "NRTO", _("NRTO-keurmerk")
    NLQF = "NLQF", _("NLQF-inschaling")
    OCW = "OCW", _("OCW-erkenning")
    CEDEO = "CEDEO", _("Cedeo-erkenning")
    CPION = "CPION", _("CPION-registratie")
    EVC = "EVC", _("EVC-aanbieder")
    SECTOR = "SECTOR", _("erkenning door een brancheorganisatie")


class StudyLoadUnit(models.TextChoices):
    CONTACTUUR = "CONTACTUUR", _("contacturen")
    ECTS_PUNT = "ECTS_PUNT", _("ECTS-punten")
    SBU = "SBU", _("studiebelastingsuren")
    STUDIEPUNT = "STUDIEPUNT", _("studiepunten")
    UUR = "UUR", _("uren")


class ValueDocument(models.TextChoices):
    DIPLOMA = "DIPLOMA", _("diploma")
    CERTIFICAAT = "CERTIFICAAT", _("certificaat")
    GEEN_OFFICIEEL_DOCUMENT = "GEEN_OFFICIEEL_DOCUMENT", _("geen officieel document")
    GETUIGSCHRIFT = "GETUIGSCHRIFT", _("getuigschrift")


class NlqfLevel(models.TextChoices):
    ONE = "1", "NLQF 1"
    TWO = "2", "NLQF 2"
    THREE = "3", "NLQF 3"
    FOUR = "4", "NLQF 4"
    FOUR_PLUS = "4p", "NLQF 4+"
    FIVE = "5", "NLQF 5"
    SIX = "6", "NLQF 6"
    SEVEN = "7", "NLQF 7"
    EIGHT = "8", "NLQF 8"


class EqfLevel(models.TextChoices):
    ONE = "1", "EQF 1"
    TWO = "2", "EQF 2"
    THREE = "3", "EQF 3"
    FOUR = "4", "EQF 4"
    FIVE = "5", "EQF 5"
    SIX = "6", "EQF 6"
    SEVEN = "7", "EQF 7"
    EIGHT = "8", "EQF 8"


class Category(models.TextChoices):
    """The sixteen NFO categories RIO uses."""

    BEDRIJFS_EN_PROJECTONDERSTEUNING = (
        "BEDRIJFS_EN_PROJECTONDERSTEUNING",
        _("Bedrijfs- en projectondersteuning"),
    )
    ECONOMIE = "ECONOMIE", _("Economie")
    GEDRAG_EN_MAATSCHAPPIJ = "GEDRAG_EN_MAATSCHAPPIJ", _("Gedrag en maatschappij")
    GEZONDHEID_ZORG_EN_SPORT = "GEZONDHEID_ZORG_EN_SPORT", _("Gezondheid, zorg en sport")
    HOBBY_EN_VRIJE_TIJD = "HOBBY_EN_VRIJE_TIJD", _("Hobby en vrije tijd")
    LANDBOUW_VOEDSEL_EN_NATUURLIJKE_OMGEVING = (
        "LANDBOUW_VOEDSEL_EN_NATUURLIJKE_OMGEVING",
        _("Landbouw, voedsel en natuurlijke omgeving"),
    )
    MANAGEMENT_EN_PROJECTMANAGEMENT = (
        "MANAGEMENT_EN_PROJECTMANAGEMENT",
        _("Management en projectmanagement"),
    )
    NATUUR = "NATUUR", _("Natuur")
    ONDERWIJS = "ONDERWIJS", _("Onderwijs")
    RECHT = "RECHT", _("Recht")
    SECTOROVERSTIJGEND = "SECTOROVERSTIJGEND", _("Sectoroverstijgend")
    TAAL_EN_CULTUUR = "TAAL_EN_CULTUUR", _("Taal en cultuur")
    TECHNIEK_EN_ICT = "TECHNIEK_EN_ICT", _("Techniek en ICT")
    TOERISME_HORECA_EN_RECREATIE = (
        "TOERISME_HORECA_EN_RECREATIE",
        _("Toerisme, horeca en recreatie"),
    )
    TRANSPORT_EN_LOGISTIEK = "TRANSPORT_EN_LOGISTIEK", _("Transport en logistiek")
    VEILIGHEID_EN_DEFENSIE = "VEILIGHEID_EN_DEFENSIE", _("Veiligheid en defensie")


class Language(models.TextChoices):
    """Voertaal, as RIO's three-letter codes."""

    NLD = "NLD", _("Nederlands")
    ENG = "ENG", _("Engels")
    DEU = "DEU", _("Duits")
    FRA = "FRA", _("Frans")
    SPA = "SPA", _("Spaans")
    ITA = "ITA", _("Italiaans")
    POR = "POR", _("Portugees")
    POL = "POL", _("Pools")
    TUR = "TUR", _("Turks")
    ARA = "ARA", _("Arabisch")
    PAP = "PAP", _("Papiaments")
    RUS = "RUS", _("Russisch")
    RON = "RON", _("Roemeens")
    HRV = "HRV", _("Kroatisch")
    NOR = "NOR", _("Noors")
    SWE = "SWE", _("Zweeds")
    CHI = "CHI", _("Chinees")
    JPN = "JPN", _("Japans")


class StapPermission(models.TextChoices):
    """toestemmingDeelnameSTAP: does the provider offer this for the STAP-budget?"""

    GRANTED = "TOESTEMMING_VERLEEND", _("aangeboden voor STAP")
    NOT_GRANTED = "GEEN_TOESTEMMING_VERLEEND", _("niet aangeboden voor STAP")


class CohortStatus(models.TextChoices):
    OPEN = "O", _("aanmelding open")
    CLOSED = "G", _("aanmelding gesloten")


class TeachingForm(models.TextChoices):
    KLASSIKAAL = "KLASSIKAAL", _("klassikaal")
    ONLINE = "ONLINE", _("online")
    KLASSIKAAL_EN_ONLINE = "KLASSIKAAL_EN_ONLINE", _("klassikaal en online")
