"""The first stage: is each value of a row well-formed? (Not yet: does it fit the register.)

The same checks run for CSV and XML rows, so a mistake gets the same rule and message in both.
A row that passes comes out with typed values (``Values``); a row with a *fout* comes out
without, and with every problem found — one per field, so a provider fixes a row in one go.

This runs for every row of files of up to a million rows, so it is plain code: no forms, no
per-row regex compilation, and no objects made for a value that is fine.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

import pycountry

from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.rules import Finding

NETHERLANDS: Final = "NL"
COUNTRIES: Final[frozenset[str]] = frozenset(country.alpha_2 for country in pycountry.countries)

# Longest value per field. Names follow the aanmeldingsbewijs (1 to 200; prefix 10); street and
# place names follow the BAG (80), which is longer than the 34 of the old PDF spec so that no
# real Dutch street is refused; the cohort code is the register's own key length.
LIMITS: Final[dict[str, int]] = {
    f.STUDENTNUMMER: 20,
    f.VOORNAAM: 200,
    f.TUSSENVOEGSEL: 10,
    f.ACHTERNAAM: 200,
    f.STRAATNAAM: 80,
    f.HUISNUMMERTOEVOEGING: 10,
    f.POSTCODE: 10,
    f.WOONPLAATS: 80,
    f.EMAIL: 254,
    f.COHORTCODE: 60,
}
HOUSE_NUMBER_ABROAD_LIMIT: Final = 10
SHOWN_CHARACTERS: Final = 40
ALWAYS_REQUIRED: Final = (
    f.STUDENTNUMMER,
    f.VOORNAAM,
    f.ACHTERNAAM,
    f.GEBOORTEDATUM,
    f.WOONPLAATS,
    f.SCHOLINGS_ID,
    f.COHORTCODE,
    f.STARTDATUM,
    f.SUBSIDIEBEDRAG,
)
REQUIRED_FOR_DUTCH_ADDRESS: Final = (f.STRAATNAAM, f.HUISNUMMER, f.POSTCODE)

_STUDENTNUMMER = re.compile(r"[A-Za-z0-9]{1,20}")
_HUISNUMMER = re.compile(r"[0-9]{1,5}")
_POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Za-z]{2})")
_AMOUNT = re.compile(r"([0-9]{1,7})(?:[.,]([0-9]{1,2}))?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
# Pragmatic, and fast enough for a million rows: a local part without spaces or control
# characters, and a domain of ASCII labels (an internationalised domain in its xn-- form).
_EMAIL = re.compile(
    r"[^@\s\x00-\x1f\x7f]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z][A-Za-z0-9-]{0,62}"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Values:
    """A well-formed vooraanmelding. ``postcode`` is written as 1234 AB for a Dutch address."""

    studentnummer: str
    first_name: str
    name_prefix: str
    last_name: str
    birth_date: dt.date
    street: str
    house_number: str
    house_number_addition: str
    postcode: str
    city: str
    country: str
    email: str
    scholings_id: uuid.UUID
    cohort_code: str
    start_date: dt.date
    end_date: dt.date | None
    amount: Decimal
    study_year_start: dt.date | None
    study_year_end: dt.date | None

    @property
    def is_in_the_netherlands(self) -> bool:
        return self.country == NETHERLANDS

    def person_fields(self) -> dict[str, object]:
        """The values as ``enrolments.models.PersonFields`` names them."""
        return {
            "studentnummer": self.studentnummer,
            "first_name": self.first_name,
            "name_prefix": self.name_prefix,
            "last_name": self.last_name,
            "birth_date": self.birth_date,
            "street": self.street,
            "house_number": self.house_number,
            "house_number_addition": self.house_number_addition,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
            "email": self.email,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "amount": self.amount,
            "study_year_start": self.study_year_start,
            "study_year_end": self.study_year_end,
        }


@dataclass(slots=True)
class Row:
    """A row on its way through the checks: its findings, and its values once well-formed."""

    number: int
    line: int
    raw: dict[str, str]
    values: Values | None = None
    findings: list[Finding] = field(default_factory=list)
    # The offer's and cohort's ids, once the row is found in the register (stage two).
    register_ids: tuple[int, int] | None = None

    @property
    def rejected(self) -> bool:
        return any(finding.is_error for finding in self.findings)

    @property
    def studentnummer(self) -> str:
        return self.raw.get(f.STUDENTNUMMER, "")


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD-MM-YYYY``; ``None`` when it is neither, or no such day."""
    if len(text) != 10 or not text.isascii():
        return None
    if text[4] == "-" and text[7] == "-":
        year, month, day = text[:4], text[5:7], text[8:]
    elif text[2] == "-" and text[5] == "-":
        day, month, year = text[:2], text[3:5], text[6:]
    else:
        return None
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    """Euros with a decimal point or a decimal comma and at most two decimals; no thousands
    separator (``1.000`` would be ambiguous) and no euro sign."""
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return None
    euros, cents = match.groups()
    try:
        return Decimal(f"{euros}.{cents or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _postcode(text: str) -> str | None:
    match = _POSTCODE.fullmatch(text)
    return f"{match[1]} {match[2].upper()}" if match else None


def _is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


def check_structure(raw: RawRow) -> Row:
    """Stage one for one row: its findings, and its typed values when it has no *fout*."""
    row = Row(number=raw.number, line=raw.line, raw=raw.values, findings=list(raw.findings))
    values = raw.values
    found = row.findings
    country_text = values.get(f.LAND, "")
    country = country_text.upper() if _COUNTRY.fullmatch(country_text) else country_text
    country = country or NETHERLANDS
    dutch = country == NETHERLANDS

    for name in ALWAYS_REQUIRED:
        if not values.get(name):
            found.append(rules.REQUIRED(field=name))
    if dutch:
        for name in REQUIRED_FOR_DUTCH_ADDRESS:
            if not values.get(name):
                found.append(rules.REQUIRED_FOR_DUTCH_ADDRESS(field=name))
    for name, limit in LIMITS.items():
        value = values.get(name, "")
        if len(value) > limit:
            found.append(rules.TOO_LONG(field=name, length=len(value), limit=limit))

    studentnummer = values.get(f.STUDENTNUMMER, "")
    if studentnummer and len(studentnummer) <= 20 and not _STUDENTNUMMER.fullmatch(studentnummer):
        found.append(rules.STUDENTNUMMER_FORMAT(value=_quoted(studentnummer)))

    if country != NETHERLANDS and country not in COUNTRIES:
        found.append(rules.LAND_FORMAT(value=_quoted(values.get(f.LAND, ""))))

    house_number = values.get(f.HUISNUMMER, "")
    if house_number and dutch and not _HUISNUMMER.fullmatch(house_number):
        found.append(rules.HUISNUMMER_FORMAT(value=_quoted(house_number)))
    elif house_number and len(house_number) > HOUSE_NUMBER_ABROAD_LIMIT:
        found.append(
            rules.TOO_LONG(
                field=f.HUISNUMMER, length=len(house_number), limit=HOUSE_NUMBER_ABROAD_LIMIT
            )
        )

    postcode = values.get(f.POSTCODE, "")
    dutch_postcode = _postcode(postcode) if postcode and dutch else None
    if postcode and dutch and dutch_postcode is None:
        found.append(rules.POSTCODE_FORMAT(value=_quoted(postcode)))

    email = values.get(f.EMAIL, "")
    if email and len(email) <= LIMITS[f.EMAIL] and not _is_email(email):
        found.append(rules.EMAIL_FORMAT(value=_quoted(email)))

    scholings_id = _uuid(values.get(f.SCHOLINGS_ID, ""))
    if values.get(f.SCHOLINGS_ID) and scholings_id is None:
        found.append(rules.SCHOLINGS_ID_FORMAT(value=_quoted(values[f.SCHOLINGS_ID])))

    amount = None
    if text := values.get(f.SUBSIDIEBEDRAG, ""):
        amount = parse_amount(text)
        if amount is None:
            found.append(rules.AMOUNT_FORMAT(value=_quoted(text)))

    dates = {
        name: _date(values, name, found)
        for name in (
            f.GEBOORTEDATUM,
            f.STARTDATUM,
            f.EINDDATUM,
            f.STUDIEJAAR_BEGIN,
            f.STUDIEJAAR_EIND,
        )
    }
    start, end = dates[f.STARTDATUM], dates[f.EINDDATUM]
    if start and end and end < start:
        found.append(rules.END_BEFORE_START(start=_shown(start), end=_shown(end)))
    year_start, year_end = dates[f.STUDIEJAAR_BEGIN], dates[f.STUDIEJAAR_EIND]
    given = [name for name in (f.STUDIEJAAR_BEGIN, f.STUDIEJAAR_EIND) if values.get(name)]
    if len(given) == 1:
        found.append(rules.STUDY_YEAR_HALF(given=given[0]))
    elif year_start and year_end and year_end <= year_start:
        found.append(rules.STUDY_YEAR_ORDER(start=_shown(year_start), end=_shown(year_end)))

    birth_date = dates[f.GEBOORTEDATUM]
    if row.rejected:
        return row
    assert birth_date and start and scholings_id and amount is not None
    row.values = Values(
        studentnummer=studentnummer,
        first_name=values[f.VOORNAAM],
        name_prefix=values.get(f.TUSSENVOEGSEL, ""),
        last_name=values[f.ACHTERNAAM],
        birth_date=birth_date,
        street=values.get(f.STRAATNAAM, ""),
        house_number=house_number,
        house_number_addition=values.get(f.HUISNUMMERTOEVOEGING, ""),
        postcode=dutch_postcode or postcode,
        city=values[f.WOONPLAATS],
        country=country,
        email=email,
        scholings_id=scholings_id,
        cohort_code=values[f.COHORTCODE],
        start_date=start,
        end_date=end,
        amount=amount,
        study_year_start=year_start,
        study_year_end=year_end,
    )
    return row


def _uuid(text: str) -> uuid.UUID | None:
    """Only the standard form (8-4-4-4-12 hexadecimal digits) that the register shows."""
    return uuid.UUID(text) if _UUID.fullmatch(text) else None


def _date(values: dict[str, str], name: str, found: list[Finding]) -> dt.date | None:
    text = values.get(name, "")
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        found.append(rules.DATE_FORMAT(field=name, value=_quoted(text)))
    return parsed


def _shown(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def _quoted(text: str) -> str:
    """A value as a message shows it: a pasted essay is cut short."""
    return text if len(text) <= SHOWN_CHARACTERS else f"{text[:SHOWN_CHARACTERS]}…"
