"""The published schema of the feed, its names, and its errors in Dutch.

The XSD (``stap/register/xsd/scholingsaanbod-feed.xsd``, a copy of the one in ``docs/formats``)
is the contract. ``schema_problems`` validates one ``<opleiding>`` against it and pins each error
on the nearest record around it that the parser reads (the opleiding, an aangeboden opleiding in
it or a cohort in one of those; a record in the wrong place gives its problems to the record
around it), as a ``Problem`` whose Dutch message names the element and says how to fix it. A
record gets at most ``MAX_PROBLEMS_PER_RECORD`` problems and a line that counts the rest.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from stap.core.safe_xml import schema_per_thread

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


schema = schema_per_thread(SCHEMA_PATH)


# --- Schema errors in Dutch ----------------------------------------------------------------------


# At most this many problems are reported per record; the rest are counted in one line.
MAX_PROBLEMS_PER_RECORD = 20


class Problems:
    """Schema problems of one opleiding, by the record (element) they belong to."""

    def __init__(self) -> None:
        # Keyed by the element itself: lxml gives one Python object per element while one is
        # referenced, and this dict references them.
        self._by_record: dict[Any, list[Problem]] = {}
        self._more: dict[Any, int] = {}

    def add(self, item: Any, problem: Callable[[], Problem]) -> None:
        """Add the problem ``problem()`` makes to ``item``; once the record has
        ``MAX_PROBLEMS_PER_RECORD``, only count it (and never make its message)."""
        found = self._by_record.setdefault(item, [])
        if len(found) < MAX_PROBLEMS_PER_RECORD:
            found.append(problem())
        else:
            self._more[item] = self._more.get(item, 0) + 1

    def of(self, item: Any) -> list[Problem]:
        found = list(self._by_record.get(item, ()))
        more = self._more.get(item, 0)
        if more:
            found.append(
                Problem(
                    element="",
                    line=item.sourceline,
                    message=ngettext(
                        "En nog %(count)s probleem in dit onderdeel. Herstel eerst de problemen "
                        "hierboven en stuur het bestand opnieuw.",
                        "En nog %(count)s problemen in dit onderdeel. Herstel eerst de problemen "
                        "hierboven en stuur het bestand opnieuw.",
                        more,
                    )
                    % {"count": f"{more:,}".replace(",", ".")},
                )
            )
        return found


def schema_problems(record: Any) -> Problems:
    """Validate one <opleiding> against the XSD; pin each error on the nearest record the
    parser reads (see ``_record_of``), at most ``MAX_PROBLEMS_PER_RECORD`` per record."""
    problems = Problems()
    validator = schema()
    if validator.validate(record):
        return problems
    nodes = _Nodes(record)
    seen: set[Any] = set()
    for entry in validator.error_log:
        node = nodes.find(entry.path)
        if node in seen and entry.type_name != "SCHEMAV_ELEMENT_CONTENT":
            continue  # one problem per value: libxml2 may report a facet and the type
        seen.add(node)
        problems.add(_record_of(record, node), functools.partial(_dutch, entry, node))
    return problems


def _record_of(record: Any, node: Any) -> Any:
    """The record a problem with ``node`` belongs to: the nearest opleiding, aangeboden
    opleiding or cohort around it **in a place where the parser reads it** (an aangeboden
    opleiding directly in the opleiding, a cohort directly in such an aangeboden opleiding).
    A record in the wrong place (a cohort directly in the opleiding, an aangeboden opleiding in
    another, an opleiding in an opleiding) is never read, so its problems go to the record
    around it; otherwise they would be lost and the wrong place would go unreported."""
    current = node
    while current is not None and current is not record:
        if _read_by_the_parser(record, current):
            return current
        current = current.getparent()
    return record


def _read_by_the_parser(record: Any, element: Any) -> bool:
    parent = element.getparent()
    if element.tag == NS + OFFER:
        return parent is record
    if element.tag == NS + COHORT:
        return parent is not None and parent.tag == NS + OFFER and parent.getparent() is record
    return False


_STEP = re.compile(
    r"^(?:(?P<prefix>[^:\[\]]+):)?(?P<name>[^:\[\]]+)(?:\[(?P<index>[1-9][0-9]*)\])?$"
)


class _Nodes:
    """The elements that schema errors are about, found from libxml2's paths.

    libxml2 gives a path from the validated record: "/*/*[3]/*[2]" (``*[n]``: the n-th child
    element; elements in the default namespace have no name in a path), "/sa:opleiding/
    sa:naamKort[2]" (the n-th child of that name with that prefix) or "/*/kleur" (no namespace).
    Each parent's children are grouped once, so many errors on many siblings cost no more than
    the record is long (an XPath per error would walk the siblings every time)."""

    def __init__(self, record: Any) -> None:
        self._record = record
        self._found: dict[str, Any] = {}
        self._groups: dict[tuple[Any, str], list[Any]] = {}

    def find(self, path: str | None) -> Any:
        key = path or ""
        node = self._found.get(key)
        if node is None:
            node = self._found[key] = self._walk(key)
        return node

    def _walk(self, path: str) -> Any:
        steps = path.split("/")
        if len(steps) < 2 or steps[0]:
            return self._record
        node = self._record
        for step in steps[2:]:
            match = _STEP.match(step)
            if match is None:
                return node  # an attribute or text node: the element it is on
            name = match["name"] if match["prefix"] is None else step.split("[", 1)[0]
            group = self._group(node, name)
            index = int(match["index"] or 1)
            if index > len(group):
                return node
            node = group[index - 1]
        return node

    def _group(self, parent: Any, name: str) -> list[Any]:
        key = (parent, name)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = [
                child for child in parent if isinstance(child.tag, str) and _named(child, name)
            ]
        return group


def _named(element: Any, name: str) -> bool:
    """Whether libxml2 would count ``element`` under ``name`` in a path."""
    if name == "*":
        return True
    if ":" in name:
        prefix, local = name.split(":", 1)
        return element.prefix == prefix and local_name(element.tag) == local
    return bool(element.tag == name)


_ENTRY = re.compile(
    r"^Element '(?P<tag>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<rest>.*)$", re.S
)
_FACET = re.compile(r"^\[facet '(?P<facet>\w+)'\] (?P<detail>.*)$", re.S)
_QUOTED = re.compile(r"'([^']*)'")
_VALUE = re.compile(r"The value '(?P<value>.*)' (?:is|has)", re.S)
_NOT_VALID = re.compile(
    r"^'(?P<value>.*)' is not a valid value of the (?:local )?atomic type", re.S
)
_DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
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


def shown(value: str) -> str:
    """``value`` for a message: whitespace collapsed, at most 60 characters."""
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
    label = f"<{shown(element)}>"
    if attribute:
        return _("Het attribuut %(attribute)s op %(element)s is niet toegestaan. Haal het weg.") % {
            "attribute": shown(attribute),
            "element": label,
        }
    hint = _hint(element)
    facet = _FACET.match(rest)
    value_match = _VALUE.search(rest)
    value = shown(value_match["value"]) if value_match else ""
    if facet:
        kind = facet["facet"]
        numbers = _QUOTED.findall(facet["detail"]) or ["?"]
        if kind == "maxLength":
            return _(
                "%(element)s is te lang: %(length)s tekens, ten hoogste %(max)s. Kort de tekst in."
            ) % {"element": label, "length": numbers[0], "max": numbers[-1]}
        if kind == "minLength":
            return _("%(element)s is leeg. Vul een waarde in.") % {"element": label}
        if kind == "enumeration":
            allowed = _QUOTED.findall(rest.split("{", 1)[-1])
            return _(
                "%(element)s heeft de waarde '%(value)s', die niet in de waardelijst staat. "
                "Kies een van: %(allowed)s."
            ) % {"element": label, "value": value, "allowed": ", ".join(allowed)}
        if kind == "maxInclusive":
            return _("%(element)s is %(value)s; het hoogste toegestane is %(max)s. %(hint)s") % {
                "element": label,
                "value": value,
                "max": numbers[-1],
                "hint": hint,
            }
        if kind == "minInclusive":
            return _("%(element)s is %(value)s; het laagste toegestane is %(min)s. %(hint)s") % {
                "element": label,
                "value": value,
                "min": numbers[-1],
                "hint": hint,
            }
        if kind in {"fractionDigits", "totalDigits"}:
            return _("%(element)s heeft te veel cijfers: '%(value)s'. %(hint)s") % {
                "element": label,
                "value": value,
                "hint": hint,
            }
        return _("%(element)s heeft niet de juiste vorm: '%(value)s'. %(hint)s") % {
            "element": label,
            "value": value,
            "hint": hint or _("Zie de specificatie van de feed."),
        }
    not_valid = _NOT_VALID.match(rest)
    if not_valid and element in _DATES and _DATE_FORM.fullmatch(not_valid["value"]):
        return _(
            "%(element)s is %(value)s, maar die datum bestaat niet. Kies een datum die wel bestaat."
        ) % {"element": label, "value": not_valid["value"]}
    if not_valid:
        return _("%(element)s heeft geen geldige waarde: '%(value)s'. %(hint)s") % {
            "element": label,
            "value": shown(not_valid["value"]),
            "hint": hint or _("Zie de specificatie van de feed."),
        }
    expected = _EXPECTED.search(rest)
    if rest.startswith("Missing child element"):
        return _("In %(element)s ontbreekt %(names)s. Voeg het toe.") % {
            "element": label,
            "names": _names(expected["names"]) if expected else _("een element"),
        }
    if rest.startswith("This element is not expected"):
        if not tag.startswith(NS):
            return _(
                "Het element %(element)s staat niet in de namespace van de feed (%(namespace)s). "
                "Gebruik de elementnamen en de namespace uit de specificatie."
            ) % {"element": label, "namespace": NAMESPACE}
        if expected:
            return _(
                "Het element %(element)s staat hier niet op zijn plaats; verwacht is %(names)s. "
                "Controleer de volgorde en de spelling."
            ) % {"element": label, "names": _names(expected["names"])}
        return _(
            "Het element %(element)s komt hier te vaak voor of hoort hier niet. Haal het weg."
        ) % {"element": label}
    if "Character content other than whitespace" in rest:
        return _("In %(element)s staat tekst tussen de elementen. Haal die weg.") % {
            "element": label
        }
    if "Element content is not allowed" in rest:
        return _("%(element)s mag geen elementen bevatten, alleen een waarde.") % {"element": label}
    return _("%(element)s klopt niet met het schema: %(detail)s") % {
        "element": label,
        "detail": rest[:200],
    }
