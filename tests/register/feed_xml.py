"""Small builders for scholingsaanbod feeds in tests (element order as in the XSD)."""

from pathlib import Path
from xml.sax.saxutils import escape

NAMESPACE = "https://stap-portaal.example/ns/scholingsaanbod/1"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"

STATIONSPLEIN = {
    "straatnaam": "Stationsplein",
    "huisnummer": "1",
    "postcode": "3511 ED",
    "plaats": "Utrecht",
}


def example(name: str) -> bytes:
    return (EXAMPLES / f"scholingsaanbod-{name}.xml").read_bytes()


def _element(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{escape(value)}</{name}>"


def cohort(
    code: str = "C-2027-01",
    *,
    status: str = "O",
    enrolment_start: str = "2026-10-01",
    enrolment_end: str | None = None,
    start: str = "2027-01-11",
    intake_end: str | None = None,
    end: str = "2027-03-29",
    total: str = "900.00",
    subsidisable: str = "800.00",
    form: str = "KLASSIKAAL",
    places: str | None = None,
) -> str:
    if intake_end is None:
        intake = _element("vastInstroommoment", start)
    else:
        intake = (
            f"<flexibeleInstroom>{_element('beginInstroomperiode', start)}"
            f"{_element('eindeInstroomperiode', intake_end)}</flexibeleInstroom>"
        )
    return (
        "<cohort>"
        f"{_element('cohortcode', code)}{_element('cohortstatus', status)}"
        f"{_element('beginAanmeldperiode', enrolment_start)}"
        f"{_element('eindeAanmeldperiode', enrolment_end)}"
        f"{intake}{_element('einddatum', end)}"
        f"<prijs>{_element('totaleVerplichteKosten', total)}"
        f"{_element('subsidieerbaarBedrag', subsidisable)}</prijs>"
        f"{_element('opleidingsvorm', form)}{_element('deelnemersplaatsen', places)}"
        "</cohort>"
    )


def offer(
    key: str = "AO-1",
    *cohorts: str,
    address: dict[str, str] | None = STATIONSPLEIN,
    language: str | None = "NLD",
    permission: str = "TOESTEMMING_VERLEEND",
    website: str | None = None,
) -> str:
    location = ""
    if address is not None:
        location = (
            "<locatie>"
            + "".join(
                _element(name, address.get(name))
                for name in ("straatnaam", "huisnummer", "huisnummertoevoeging", "postcode")
            )
            + _element("plaats", address.get("plaats"))
            + "</locatie>"
        )
    return (
        "<aangebodenOpleiding>"
        f"{_element('eigenSleutel', key)}{location}{_element('voertaal', language)}"
        f"{_element('toestemmingDeelnameSTAP', permission)}{_element('website', website)}"
        f"{''.join(cohorts)}"
        "</aangebodenOpleiding>"
    )


def training(
    key: str = "OPL-1",
    *offers: str,
    name: str = "Cursus boekhouden",
    short_name: str = "Boekhouden",
    kvk_number: str | None = None,
    provider_code: str | None = None,
    description: str | None = None,
    study_load: tuple[str, str] | None = None,
    category: str | None = "ECONOMIE",
    multi_year: str | None = None,
) -> str:
    load = ""
    if study_load is not None:
        load = _element("studielast", study_load[0]) + _element("studielasteenheid", study_load[1])
    return (
        "<opleiding>"
        f"{_element('eigenSleutel', key)}{_element('kvkNummer', kvk_number)}"
        f"{_element('opleiderId', provider_code)}{_element('naamLang', name)}"
        f"{_element('naamKort', short_name)}{_element('omschrijving', description)}{load}"
        f"{_element('categorie', category)}{_element('meerjarig', multi_year)}"
        f"{''.join(offers or (offer(),))}"
        "</opleiding>"
    )


def feed(*trainings: str) -> bytes:
    body = "".join(trainings or (training(),))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<scholingsaanbod xmlns="{NAMESPACE}">'
        f"{body}</scholingsaanbod>"
    ).encode()
