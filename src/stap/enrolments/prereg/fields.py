"""The fields of a vooraanmelding, as named in the CSV header and the XML elements.

The order is the order of the published spec (``docs/formats/vooraanmeldingen.md``) and of every
report. The KvK number is not a field: it comes from the sign-in (or ``--kvk``), never the file.
"""

from typing import Final

STUDENTNUMMER: Final = "studentnummer"
VOORNAAM: Final = "voornaam"
TUSSENVOEGSEL: Final = "tussenvoegsel"
ACHTERNAAM: Final = "achternaam"
GEBOORTEDATUM: Final = "geboortedatum"
STRAATNAAM: Final = "straatnaam"
HUISNUMMER: Final = "huisnummer"
HUISNUMMERTOEVOEGING: Final = "huisnummertoevoeging"
POSTCODE: Final = "postcode"
WOONPLAATS: Final = "woonplaats"
LAND: Final = "land"
EMAIL: Final = "email"
SCHOLINGS_ID: Final = "scholings_id"
COHORTCODE: Final = "cohortcode"
STARTDATUM: Final = "startdatum"
EINDDATUM: Final = "einddatum"
SUBSIDIEBEDRAG: Final = "subsidiebedrag"
STUDIEJAAR_BEGIN: Final = "studiejaar_begin"
STUDIEJAAR_EIND: Final = "studiejaar_eind"

FIELDS: Final[tuple[str, ...]] = (
    STUDENTNUMMER,
    VOORNAAM,
    TUSSENVOEGSEL,
    ACHTERNAAM,
    GEBOORTEDATUM,
    STRAATNAAM,
    HUISNUMMER,
    HUISNUMMERTOEVOEGING,
    POSTCODE,
    WOONPLAATS,
    LAND,
    EMAIL,
    SCHOLINGS_ID,
    COHORTCODE,
    STARTDATUM,
    EINDDATUM,
    SUBSIDIEBEDRAG,
    STUDIEJAAR_BEGIN,
    STUDIEJAAR_EIND,
)

# A column that every file must have, even when its cell may be empty in a row. The other
# columns may be left out of a CSV file altogether.
REQUIRED_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        STUDENTNUMMER,
        VOORNAAM,
        ACHTERNAAM,
        GEBOORTEDATUM,
        WOONPLAATS,
        SCHOLINGS_ID,
        COHORTCODE,
        STARTDATUM,
        SUBSIDIEBEDRAG,
    }
)

# The element names of the XML format (namespace below) are the same as the column names.
NAMESPACE: Final = "https://stap-portaal.nl/schemas/vooraanmeldingen/1"

# Limits that keep a hostile file from costing us memory; the spec names them.
MAX_CELL_CHARACTERS: Final = 1_000
MAX_LINE_CHARACTERS: Final = 20_000
