"""The published schema of the feed, its names, and its errors in Dutch.

The XSD (``stap/register/xsd/scholingsaanbod-feed.xsd``, a copy of the one in ``docs/formats``)
is the contract. ``schema_problems`` validates one ``<opleiding>`` against it and pins each error
on the nearest record it occurs in (the opleiding, an aangeboden opleiding or a cohort), as a
``Problem`` whose Dutch message names the element and says how to fix it.
"""

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lxml import etree

NAMESPACE = "https://stap-portaal.example/ns/scholingsaanbod/1"
ROOT = "scholingsaanbod"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "xsd" / "scholingsaanbod-feed.xsd"
NS = "{" + NAMESPACE + "}"
TRAINING, OFFER, COHORT = "opleiding", "aangebodenOpleiding", "cohort"
ITEM_TAGS = {NS + TRAINING, NS + OFFER, NS + COHORT}

# Which XML element holds which model field, so that a refusal by the register names the
# element the provider wrote. ``start_date`` depends on the kind of intake (see process).
TRAINING_ELEMENTS = {
    "own_key": "eigenSleutel",
    "name": "naamLang",
    "short_name": "naamKort",
    "description": "omschrijving",
    "study_load": "studielast",
    "study_load_unit": "studielasteenheid",
    "nlqf_level": "niveauNLQF",
    "eqf_level": "niveauEQF",
    "value_document": "waardedocumentsoort",
    "category": "categorie",
    "is_multi_year": "meerjarig",
    "is_funded": "bekostigd",
}
OFFER_ELEMENTS = {
    "own_key": "eigenSleutel",
    "location": "locatie",
    "address": "locatie",
    "language": "voertaal",
    "stap_permission": "toestemmingDeelnameSTAP",
    "website": "website",
}
ADDRESS_ELEMENTS = {
    "street": "straatnaam",
    "house_number": "huisnummer",
    "house_number_addition": "huisnummertoevoeging",
    "postcode": "postcode",
    "city": "plaats",
}
COHORT_ELEMENTS = {
    "code": "cohortcode",
    "status": "cohortstatus",
    "enrolment_start": "beginAanmeldperiode",
    "enrolment_end": "eindeAanmeldperiode",
    "intake_end": "eindeInstroomperiode",
    "end_date": "einddatum",
    "total_price": "totaleVerplichteKosten",
    "subsidisable_amount": "subsidieerbaarBedrag",
    "teaching_form": "opleidingsvorm",
    "places_per_year": "deelnemersplaatsen",
}
LOCATION_ELEMENTS = frozenset({"locatie", *ADDRESS_ELEMENTS.values()})
PROVIDER_ELEMENTS = frozenset({"kvkNummer", "opleiderId"})


@dataclass(frozen=True, kw_only=True)
class Problem:
    """Why a record cannot be processed: the element concerned and a Dutch message.

    ``subject`` is "locatie" or "opleider" when the problem is about the address or the
    provider rather than the record itself, and empty otherwise.
    """

    element: str
    message: str
    line: int | None = None
    subject: str = ""


_schemas = threading.local()


def schema() -> Any:
    """The published XSD, compiled once per thread (a validator's error log is not shared)."""
    compiled = getattr(_schemas, "schema", None)
    if compiled is None:
        compiled = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
        _schemas.schema = compiled
    return compiled


# --- Schema errors in Dutch ----------------------------------------------------------------------


class Problems:
    """Schema problems of one opleiding, by the record (element) they belong to."""

    def __init__(self, record: Any) -> None:
        self._tree = record.getroottree()
        self._by_path: dict[str, list[Problem]] = {}

    def add(self, item: Any, problem: Problem) -> None:
        self._by_path.setdefault(self._tree.getpath(item), []).append(problem)

    def of(self, item: Any) -> list[Problem]:
        if not self._by_path:
            return []
        return list(self._by_path.get(self._tree.getpath(item), []))


def schema_problems(record: Any) -> Problems:
    """Validate one <opleiding> against the XSD; pin each error on its nearest record."""
    problems = Problems(record)
    validator = schema()
    if validator.validate(record):
        return problems
    seen: set[str] = set()
    for entry in validator.error_log:
        node = _node(record, entry.path)
        node_path = record.getroottree().getpath(node)
        if node_path in seen and entry.type_name != "SCHEMAV_ELEMENT_CONTENT":
            continue  # one problem per value: libxml2 may report a facet and the type
        seen.add(node_path)
        item = node
        while item is not None and item.tag not in ITEM_TAGS:
            item = item.getparent()
        problems.add(item if item is not None else record, _dutch(entry, node))
    return problems


def _node(record: Any, path: str | None) -> Any:
    """The element a schema error is about. libxml2 gives its path from the validated record
    ("/*/*[3]", or "/sa:opleiding/sa:naamKort" when the file uses a prefix)."""
    steps = (path or "").split("/", 2)
    if len(steps) < 3 or steps[0]:
        return record
    namespaces: dict[str, str] = {}
    for element in record.iter():
        namespaces.update((prefix, uri) for prefix, uri in element.nsmap.items() if prefix)
    try:
        nodes = record.xpath("./" + steps[2], namespaces=namespaces)
    except etree.XPathError:
        return record
    return nodes[0] if nodes and isinstance(nodes[0], etree._Element) else record


_ENTRY = re.compile(
    r"^Element '(?P<tag>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<rest>.*)$", re.S
)
_FACET = re.compile(r"^\[facet '(?P<facet>\w+)'\] (?P<detail>.*)$", re.S)
_QUOTED = re.compile(r"'([^']*)'")
_VALUE = re.compile(r"The value '(?P<value>.*)' (?:is|has)", re.S)
_NOT_VALID = re.compile(
    r"^'(?P<value>.*)' is not a valid value of the (?:local )?atomic type", re.S
)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>.*?) \)", re.S)

_DATES = frozenset(
    {
        "beginAanmeldperiode",
        "eindeAanmeldperiode",
        "vastInstroommoment",
        "beginInstroomperiode",
        "eindeInstroomperiode",
        "einddatum",
    }
)


def _hint(element: str) -> str:
    if element in _DATES:
        return _("Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2027-01-11.")
    hints = {
        "totaleVerplichteKosten": _AMOUNT_HINT,
        "subsidieerbaarBedrag": _AMOUNT_HINT,
        "meerjarig": _BOOLEAN_HINT,
        "bekostigd": _BOOLEAN_HINT,
        "postcode": gettext_noop("Schrijf vier cijfers en twee letters, bijvoorbeeld 3511 ED."),
        "huisnummer": gettext_noop(
            "Schrijf 1 tot 5 cijfers zonder toevoeging; een toevoeging hoort in "
            "<huisnummertoevoeging>."
        ),
        "kvkNummer": gettext_noop("Een KvK-nummer bestaat uit 8 cijfers."),
        "opleiderId": gettext_noop(
            "Een opleider-id bestaat uit drie cijfers, een hoofdletter en drie cijfers, "
            "bijvoorbeeld 123A456."
        ),
        "website": gettext_noop(
            "Schrijf een volledig webadres dat begint met https:// (of http://), zonder "
            "spaties, van ten hoogste 320 tekens."
        ),
        "studielast": gettext_noop("Schrijf een geheel getal van 0 tot en met 99999."),
        "deelnemersplaatsen": gettext_noop("Schrijf een geheel getal van 1 tot en met 32000."),
    }
    return _(hints[element]) if element in hints else ""


_AMOUNT_HINT = gettext_noop(
    "Schrijf het bedrag in euro's met een punt en ten hoogste twee cijfers erachter, zonder "
    "valutateken, van 0 tot en met 1000000, bijvoorbeeld 1050.00."
)
_BOOLEAN_HINT = gettext_noop("Schrijf true of false.")


def local_name(tag: Any) -> str:
    """``{namespace}name`` -> ``name``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1] if text.startswith("{") else text


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "…"


def _names(text: str) -> str:
    names = [f"<{local_name(name.strip())}>" for name in text.split(",") if name.strip()]
    return _(" of ").join(names) if names else ""


def _subject(node: Any) -> str:
    current = node
    while current is not None and current.tag not in ITEM_TAGS:
        name = local_name(current.tag)
        if name in LOCATION_ELEMENTS:
            return "locatie"
        if name in PROVIDER_ELEMENTS:
            return "opleider"
        current = current.getparent()
    return ""


def _dutch(entry: Any, node: Any) -> Problem:
    """One libxml2 schema error as a Dutch problem that names the element and the fix."""
    raw = str(entry.message)
    match = _ENTRY.match(raw)
    tag = match["tag"] if match else str(node.tag)
    element = local_name(tag)
    rest = match["rest"].strip() if match else raw
    message = _message(element, tag, match["attribute"] if match else None, rest)
    return Problem(element=element, message=message, line=entry.line, subject=_subject(node))


def _message(element: str, tag: str, attribute: str | None, rest: str) -> str:
    shown = f"<{element}>"
    if attribute:
        return _("Het attribuut %(attribute)s op %(element)s is niet toegestaan. Haal het weg.") % {
            "attribute": attribute,
            "element": shown,
        }
    hint = _hint(element)
    facet = _FACET.match(rest)
    value_match = _VALUE.search(rest)
    value = _shown(value_match["value"]) if value_match else ""
    if facet:
        kind = facet["facet"]
        numbers = _QUOTED.findall(facet["detail"]) or ["?"]
        if kind == "maxLength":
            return _(
                "%(element)s is te lang: %(length)s tekens, ten hoogste %(max)s. Kort de tekst in."
            ) % {"element": shown, "length": numbers[0], "max": numbers[-1]}
        if kind == "minLength":
            return _("%(element)s is leeg. Vul een waarde in.") % {"element": shown}
        if kind == "enumeration":
            allowed = _QUOTED.findall(rest.split("{", 1)[-1])
            return _(
                "%(element)s heeft de waarde '%(value)s', die niet in de waardelijst staat. "
                "Kies een van: %(allowed)s."
            ) % {"element": shown, "value": value, "allowed": ", ".join(allowed)}
        if kind == "maxInclusive":
            return _("%(element)s is %(value)s; het hoogste toegestane is %(max)s. %(hint)s") % {
                "element": shown,
                "value": value,
                "max": numbers[-1],
                "hint": hint,
            }
        if kind == "minInclusive":
            return _("%(element)s is %(value)s; het laagste toegestane is %(min)s. %(hint)s") % {
                "element": shown,
                "value": value,
                "min": numbers[-1],
                "hint": hint,
            }
        if kind in {"fractionDigits", "totalDigits"}:
            return _("%(element)s heeft te veel cijfers: '%(value)s'. %(hint)s") % {
                "element": shown,
                "value": value,
                "hint": hint,
            }
        return _("%(element)s heeft niet de juiste vorm: '%(value)s'. %(hint)s") % {
            "element": shown,
            "value": value,
            "hint": hint or _("Zie de specificatie van de feed."),
        }
    not_valid = _NOT_VALID.match(rest)
    if not_valid:
        return _("%(element)s heeft geen geldige waarde: '%(value)s'. %(hint)s") % {
            "element": shown,
            "value": _shown(not_valid["value"]),
            "hint": hint or _("Zie de specificatie van de feed."),
        }
    expected = _EXPECTED.search(rest)
    if rest.startswith("Missing child element"):
        return _("In %(element)s ontbreekt %(names)s. Voeg het toe.") % {
            "element": shown,
            "names": _names(expected["names"]) if expected else _("een element"),
        }
    if rest.startswith("This element is not expected"):
        if not tag.startswith(NS):
            return _(
                "Het element %(element)s staat niet in de namespace van de feed (%(namespace)s). "
                "Gebruik de elementnamen en de namespace uit de specificatie."
            ) % {"element": shown, "namespace": NAMESPACE}
        if expected:
            return _(
                "Het element %(element)s staat hier niet op zijn plaats; verwacht is %(names)s. "
                "Controleer de volgorde en de spelling."
            ) % {"element": shown, "names": _names(expected["names"])}
        return _(
            "Het element %(element)s komt hier te vaak voor of hoort hier niet. Haal het weg."
        ) % {"element": shown}
    if "Character content other than whitespace" in rest:
        return _("In %(element)s staat tekst tussen de elementen. Haal die weg.") % {
            "element": shown
        }
    if "Element content is not allowed" in rest:
        return _("%(element)s mag geen elementen bevatten, alleen een waarde.") % {"element": shown}
    return _("%(element)s klopt niet met het schema: %(detail)s") % {
        "element": shown,
        "detail": rest[:200],
    }
