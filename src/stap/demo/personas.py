"""The demo organisations and the eHerkenning personas that sign in for them, and the citizens
who sign in with DigiD.

The test broker offers these personas with one click; the demo loader registers the
organisations (and the citizens in the population register). KvK numbers in the 9000xxxx range
are not real companies; the BSNs in the 99999xxxx range are test numbers that pass the 11-proef.
"""

from dataclasses import dataclass

OPLEIDERSPORTAAL = "STAP Opleidersportaal"
MIJN_DUO = "Mijn DUO voor zakelijke gebruikers"


@dataclass(frozen=True, kw_only=True)
class Persona:
    key: str
    label: str
    kvk_number: str
    company_name: str
    level: str = "EH3"
    authorisations: tuple[str, ...] = (OPLEIDERSPORTAAL, MIJN_DUO)
    vestigingsnummer: str = ""


LEERHUIS = Persona(
    key="leerhuis",
    label="Leerhuis Noord (duizenden aanvragen)",
    kvk_number="90000001",
    company_name="Leerhuis Noord B.V.",
)
VAKWERK = Persona(
    key="vakwerk",
    label="Vakwerk Academie (enkele aanvragen)",
    kvk_number="90000002",
    company_name="Vakwerk Academie B.V.",
)
ZUIDERLICHT = Persona(
    key="zuiderlicht",
    label="Zuiderlicht Trainingen (geen aanvragen)",
    kvk_number="90000003",
    company_name="Zuiderlicht Trainingen",
)
VAKWERK_BRANCH = Persona(
    key="vakwerk-vestiging",
    label="Vakwerk Academie, alleen vestiging Utrecht",
    kvk_number="90000002",
    company_name="Vakwerk Academie B.V.",
    vestigingsnummer="000012345678",
)
UNKNOWN = Persona(
    key="onbekend",
    label="Nieuwe Kennis B.V. (niet in het register)",
    kvk_number="90000009",
    company_name="Nieuwe Kennis B.V.",
)
LOW_LEVEL = Persona(
    key="leerhuis-eh2",
    label="Leerhuis Noord met EH2+ (te laag)",
    kvk_number="90000001",
    company_name="Leerhuis Noord B.V.",
    level="EH2+",
)
NO_AUTHORISATION = Persona(
    key="leerhuis-alleen-duo",
    label="Leerhuis Noord, alleen machtiging Mijn DUO",
    kvk_number="90000001",
    company_name="Leerhuis Noord B.V.",
    authorisations=(MIJN_DUO,),
)

PERSONAS = (
    LEERHUIS,
    VAKWERK,
    ZUIDERLICHT,
    VAKWERK_BRANCH,
    UNKNOWN,
    LOW_LEVEL,
    NO_AUTHORISATION,
)


@dataclass(frozen=True, kw_only=True)
class Citizen:
    """A citizen persona of the test broker's DigiD side: a BSN and the DigiD level."""

    key: str
    label: str
    bsn: str
    level: str = "Midden"


SANNE = Citizen(key="sanne", label="Sanne Visser (volwassene)", bsn="999990019")
HENK_BASIS = Citizen(
    key="henk-basis",
    label="Henk de Boer (alleen DigiD Basis, te laag)",
    bsn="999990020",
    level="Basis",
)
FATIMA = Citizen(
    key="fatima",
    label="Fatima El Amrani (DigiD app met identiteitscheck)",
    bsn="999990032",
    level="Substantieel",
)
DAAN = Citizen(key="daan", label="Daan Kok (jongere, 18 jaar)", bsn="999990044")

CITIZENS = (SANNE, HENK_BASIS, FATIMA, DAAN)
