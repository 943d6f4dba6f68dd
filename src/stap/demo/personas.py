"""The demo organisations and the eHerkenning personas that sign in for them.

The test broker offers these personas with one click; the demo loader registers the
organisations. KvK numbers in the 9000xxxx range are not real companies.
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
