"""Reading a scholingsaanbod feed: refuse what is unsafe, then check each record on its own.

The file comes from outside, so the parser is hardened before it sees a byte: no DTD and no
DOCTYPE at all (a billion-laughs or XXE file is refused before any entity could be expanded or
any file or URL read), no network, no huge trees, a size limit checked before parsing and an
element-count limit checked while parsing (attributes count as elements: the format has none,
and each one could cost a schema error). Anything wrong with the file as a whole raises
``FeedRefused`` with a Dutch message; nothing else escapes ``parse_feed``.

A file that is safe and well-formed is then checked against the published XSD **per
opleiding**, and every schema error is pinned to the nearest record (opleiding, aangeboden
opleiding or cohort) it occurs in, so one bad record never hides the others: the caller gets
every record with its values, or with the problems that keep it out (in Dutch, naming the
element and saying how to fix it).
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from lxml import etree

from stap.core.errors import DomainError
from stap.core.safe_xml import hardened_pull_parser, has_doctype
from stap.register.feed.schema import (
    COHORT,
    NAMESPACE,
    NS,
    OFFER,
    ROOT,
    TRAINING,
    Problem,
    Problems,
    local_name,
    schema_problems,
    shown,
)
from stap.register.services import AddressInput

MAX_BYTES = 20 * 1024 * 1024
MAX_ELEMENTS = 600_000
_CHUNK = 256 * 1024


class FeedRefused(DomainError):
    """The file as a whole cannot be read; ``message`` says why in Dutch and what to do."""

    code = "feed_refused"


@dataclass(frozen=True, kw_only=True)
class TrainingValues:
    name: str
    short_name: str
    description: str
    study_load: int | None
    study_load_unit: str
    nlqf_level: str
    eqf_level: str
    value_document: str
    category: str
    is_multi_year: bool
    is_funded: bool


@dataclass(frozen=True, kw_only=True)
class OfferValues:
    address: AddressInput | None
    language: str
    stap_permission: str
    website: str


@dataclass(frozen=True, kw_only=True)
class CohortValues:
    status: str
    enrolment_start: dt.date
    enrolment_end: dt.date | None
    start_date: dt.date
    intake_end: dt.date | None
    end_date: dt.date
    total_price: Decimal
    subsidisable_amount: Decimal
    teaching_form: str
    places_per_year: int | None


@dataclass(kw_only=True)
class CohortItem:
    line: int | None
    code: str
    values: CohortValues | None
    problems: list[Problem] = field(default_factory=list)


@dataclass(kw_only=True)
class OfferItem:
    line: int | None
    own_key: str
    values: OfferValues | None
    problems: list[Problem] = field(default_factory=list)
    cohorts: list[CohortItem] = field(default_factory=list)


@dataclass(kw_only=True)
class TrainingItem:
    line: int | None
    own_key: str
    kvk_number: str
    provider_code: str
    values: TrainingValues | None
    problems: list[Problem] = field(default_factory=list)
    offers: list[OfferItem] = field(default_factory=list)


@dataclass(kw_only=True)
class Feed:
    trainings: list[TrainingItem]
    problems: list[Problem] = field(default_factory=list)  # about the file, not one record

    @property
    def item_count(self) -> int:
        return sum(
            1 + len(training.offers) + sum(len(offer.cohorts) for offer in training.offers)
            for training in self.trainings
        )

    def items(self) -> Iterator[TrainingItem | OfferItem | CohortItem]:
        for training in self.trainings:
            yield training
            for offer in training.offers:
                yield offer
                yield from offer.cohorts


# --- Reading safely --------------------------------------------------------------------------


def _parser() -> Any:
    return hardened_pull_parser(events=("start",))


def _refuse_doctype() -> FeedRefused:
    return FeedRefused(
        _(
            "Het bestand bevat een DOCTYPE (een DTD). Dat staan wij om veiligheidsredenen niet "
            "toe: er is niets gelezen of verwerkt. Haal de regel <!DOCTYPE …> weg; het schema "
            "(XSD) beschrijft het formaat."
        ),
        code="feed_doctype",
    )


def read_document(data: bytes) -> Any:
    """The root element of ``data``, or ``FeedRefused``. Never expands an entity or reads a
    file or URL named in the document: a DOCTYPE is refused before parsing (and, should one come
    in an unusual encoding, again as soon as the parser reaches the root element)."""
    if not isinstance(data, bytes):
        raise TypeError("the feed is read from bytes")
    if len(data) > MAX_BYTES:
        raise FeedRefused(
            _(
                "Het bestand is %(size)s MB; het mag ten hoogste %(limit)s MB zijn. Verdeel het "
                "aanbod over meer bestanden."
            )
            % {"size": f"{len(data) / 2**20:.1f}", "limit": MAX_BYTES // 2**20},
            code="feed_too_large",
        )
    if not data.strip():
        raise FeedRefused(_("Het bestand is leeg."), code="feed_empty")
    # Refused before libxml2 sees it: a DTD is never parsed, so no entity is ever declared.
    if any(marker in data for marker in _DOCTYPE_MARKERS):
        raise _refuse_doctype()
    parser = _parser()
    elements = 0
    checked_doctype = False
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
            for _event, element in parser.read_events():
                if not checked_doctype:
                    if has_doctype(element):
                        raise _refuse_doctype()
                    checked_doctype = True
                elements += 1
                if elements > MAX_ELEMENTS:
                    raise _too_many()
        root = parser.close()
    except (etree.XMLSyntaxError, etree.ParserError) as error:
        raise _not_xml(error) from None
    except (LookupError, ValueError, UnicodeError):
        raise FeedRefused(
            _("Het bestand is geen leesbare XML. Sla het op als XML in UTF-8."),
            code="feed_not_xml",
        ) from None
    # Events that only came out when the parser closed (a small file fed in one chunk).
    for _event, element in parser.read_events():
        elements += 1
        if not checked_doctype and has_doctype(element):
            raise _refuse_doctype()
        checked_doctype = True
    if root is None:
        raise FeedRefused(_("Het bestand is geen XML."), code="feed_not_xml")
    if has_doctype(root):
        raise _refuse_doctype()
    # Attributes count as elements (counted at once in C, not one by one while parsing).
    if elements + int(root.xpath("count(//@*)")) > MAX_ELEMENTS:
        raise _too_many()
    return root


# "<!DOCTYPE" in the encodings libxml2 detects by itself (the XML declaration may name others;
# those are caught after parsing, with entities left unexpanded).
_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(encoding)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _too_many() -> FeedRefused:
    return FeedRefused(
        _(
            "Het bestand bevat meer dan %(limit)s elementen en attributen. Verdeel het aanbod over "
            "meer bestanden."
        )
        % {"limit": f"{MAX_ELEMENTS:,}".replace(",", ".")},
        code="feed_too_many_elements",
    )


def _not_xml(error: Exception) -> FeedRefused:
    position = getattr(error, "position", None)
    where = ""
    if position and position[0]:
        where = _(" (regel %(line)s, kolom %(column)s)") % {
            "line": position[0],
            "column": position[1],
        }
    detail = str(getattr(error, "msg", "") or error)[:200]
    return FeedRefused(
        _(
            "Het bestand is geen goedgevormde XML%(where)s. Controleer of het bestand volledig is "
            "en als UTF-8 is opgeslagen. Technische melding: %(detail)s"
        )
        % {"where": where, "detail": detail},
        code="feed_not_xml",
    )


# --- Checking and mapping record by record ------------------------------------------------------


def parse_feed(data: bytes, *, heartbeat: Callable[[], None] | None = None) -> Feed:
    """Read ``data`` as a scholingsaanbod feed. ``FeedRefused`` when the file as a whole is
    unusable; otherwise every record, each with its values or its problems. ``heartbeat`` is
    called after reading the file and after checking each opleiding, so that a long check can
    say it is still alive."""
    root = read_document(data)
    if heartbeat is not None:
        heartbeat()
    if root.tag != NS + ROOT:
        raise _wrong_root(root.tag)
    feed = Feed(trainings=[])
    if root.text and root.text.strip():
        feed.problems.append(_stray_text(ROOT, root.sourceline))
    for child in root:
        if child.tail and child.tail.strip():
            feed.problems.append(_stray_text(ROOT, child.sourceline))
        if child.tag != NS + TRAINING:
            feed.problems.append(_not_a_training(child))
            continue
        feed.trainings.append(_training(child))
        if heartbeat is not None:
            heartbeat()
    if not feed.trainings:
        raise _no_training(root)
    return feed


def _not_a_training(child: Any) -> Problem:
    name = local_name(child.tag)
    if name == TRAINING:
        return Problem(element=name, line=child.sourceline, message=_wrong_namespace(child.tag))
    return Problem(
        element=shown(name),
        line=child.sourceline,
        message=_(
            "Het element <%(element)s> hoort niet in <scholingsaanbod>; daar staan alleen "
            "<opleiding>-elementen. Het is overgeslagen."
        )
        % {"element": shown(name)},
    )


def _wrong_namespace(tag: Any) -> str:
    """Why an <opleiding> in another namespace than the feed's is skipped."""
    return _(
        "Dit element <opleiding> staat in %(where)s, niet in de namespace van de feed "
        '(%(namespace)s). Het is overgeslagen. Zet xmlns="%(namespace)s" op het hoofdelement en '
        "gebruik voor <opleiding> en alles daarin geen andere namespace."
    ) % {"where": _namespace_of(tag), "namespace": NAMESPACE}


def _namespace_of(tag: Any) -> str:
    text = str(tag)
    namespace = text[1:].split("}", 1)[0] if text.startswith("{") else ""
    if not namespace:
        return _("geen namespace")
    return _("de namespace %(namespace)s") % {"namespace": shown(namespace)}


def count_items(data: bytes) -> int:
    """How many items ``parse_feed(data)`` will give, without checking them: the same refusals
    for the file as a whole, at the cost of reading it only."""
    root = read_document(data)
    if root.tag != NS + ROOT:
        raise _wrong_root(root.tag)
    count = 0
    for training in root.iterchildren(NS + TRAINING):
        count += 1
        for offer in training.iterchildren(NS + OFFER):
            count += 1 + sum(1 for _cohort in offer.iterchildren(NS + COHORT))
    if not count:
        raise _no_training(root)
    return count


def _no_training(root: Any) -> FeedRefused:
    for child in root:
        if local_name(child.tag) == TRAINING:
            # There are opleidingen, only not in the namespace of the feed: say so.
            return FeedRefused(
                _(
                    "Het bestand bevat geen <opleiding> in de namespace van de feed "
                    "(%(namespace)s): de opleidingen staan in %(where)s. Er is niets verwerkt. "
                    'Zet xmlns="%(namespace)s" op het hoofdelement en gebruik voor <opleiding> en '
                    "alles daarin geen andere namespace."
                )
                % {"where": _namespace_of(child.tag), "namespace": NAMESPACE},
                code="feed_wrong_namespace",
            )
    return FeedRefused(
        _("Het bestand bevat geen <opleiding>. Een feed heeft ten minste één opleiding."),
        code="feed_empty",
    )


def _wrong_root(tag: str) -> FeedRefused:
    if local_name(tag) == ROOT:
        message = _(
            "Het hoofdelement <scholingsaanbod> staat niet in de namespace van de feed. Zet "
            'xmlns="%(namespace)s" op het hoofdelement.'
        ) % {"namespace": NAMESPACE}
    else:
        message = _(
            "Dit is geen scholingsaanbod-feed: het hoofdelement is <%(element)s>, het moet "
            '<scholingsaanbod xmlns="%(namespace)s"> zijn.'
        ) % {"element": local_name(tag)[:60], "namespace": NAMESPACE}
    return FeedRefused(message, code="feed_wrong_root")


def _stray_text(element: str, line: int | None) -> Problem:
    return Problem(
        element=element,
        line=line,
        message=_("In <%(element)s> staat tekst tussen de elementen. Haal die weg.")
        % {"element": element},
    )


def _training(element: Any) -> TrainingItem:
    problems = schema_problems(element)
    children = _children(element)
    item = TrainingItem(
        line=element.sourceline,
        own_key=_text(children, "eigenSleutel")[:60],
        kvk_number=_text(children, "kvkNummer")[:8],
        provider_code=_text(children, "opleiderId")[:7],
        values=None,
        problems=problems.of(element),
    )
    if not item.problems:
        item.values = _guarded(item.problems, _training_values, children)
    for child in element.iterchildren(NS + OFFER):
        item.offers.append(_offer(child, problems))
    return item


def _offer(element: Any, problems: Problems) -> OfferItem:
    children = _children(element)
    item = OfferItem(
        line=element.sourceline,
        own_key=_text(children, "eigenSleutel")[:60],
        values=None,
        problems=problems.of(element),
    )
    if not item.problems:
        item.values = _guarded(item.problems, _offer_values, children)
    for child in element.iterchildren(NS + COHORT):
        cohort_children = _children(child)
        cohort = CohortItem(
            line=child.sourceline,
            code=_text(cohort_children, "cohortcode")[:60],
            values=None,
            problems=problems.of(child),
        )
        if not cohort.problems:
            cohort.values = _guarded(cohort.problems, _cohort_values, cohort_children)
        item.cohorts.append(cohort)
    return item


_Values = TypeVar("_Values")


def _guarded(
    problems: list[Problem],
    build: Callable[[dict[str, Any]], _Values],
    children: dict[str, Any],
) -> _Values | None:
    """The schema has checked every value; should a value still not convert, the record gets a
    problem instead of the whole file failing."""
    try:
        return build(children)
    except (ValueError, InvalidOperation, KeyError) as error:
        problems.append(
            Problem(element="", message=_("Een waarde kon niet worden gelezen: %s") % error)
        )
        return None


def _children(element: Any) -> dict[str, Any]:
    return {
        child.tag[len(NS) :]: child
        for child in element
        if isinstance(child.tag, str) and child.tag.startswith(NS)
    }


def _collapse(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _text(children: dict[str, Any], name: str) -> str:
    child = children.get(name)
    return _collapse(child.text) if child is not None else ""


def _date(children: dict[str, Any], name: str) -> dt.date | None:
    text = _text(children, name)
    return dt.date.fromisoformat(text) if text else None


def _boolean(children: dict[str, Any], name: str) -> bool:
    return _text(children, name) in {"true", "1"}


def _training_values(children: dict[str, Any]) -> TrainingValues:
    study_load = _text(children, "studielast")
    description = children.get("omschrijving")
    return TrainingValues(
        name=_text(children, "naamLang"),
        short_name=_text(children, "naamKort"),
        description=(description.text or "").strip() if description is not None else "",
        study_load=int(study_load) if study_load else None,
        study_load_unit=_text(children, "studielasteenheid"),
        nlqf_level=_text(children, "niveauNLQF"),
        eqf_level=_text(children, "niveauEQF"),
        value_document=_text(children, "waardedocumentsoort"),
        category=_text(children, "categorie"),
        is_multi_year=_boolean(children, "meerjarig"),
        is_funded=_boolean(children, "bekostigd"),
    )


def _offer_values(children: dict[str, Any]) -> OfferValues:
    location = children.get("locatie")
    address = None
    if location is not None:
        parts = _children(location)
        address = AddressInput(
            street=_text(parts, "straatnaam"),
            house_number=_text(parts, "huisnummer"),
            house_number_addition=_text(parts, "huisnummertoevoeging"),
            postcode=_text(parts, "postcode"),
            city=_text(parts, "plaats"),
        )
    return OfferValues(
        address=address,
        language=_text(children, "voertaal") or "NLD",
        stap_permission=_text(children, "toestemmingDeelnameSTAP"),
        website=_text(children, "website"),
    )


def _cohort_values(children: dict[str, Any]) -> CohortValues:
    flexible = children.get("flexibeleInstroom")
    if flexible is not None:
        intake = _children(flexible)
        start_date = _date(intake, "beginInstroomperiode")
        intake_end = _date(intake, "eindeInstroomperiode")
    else:
        start_date, intake_end = _date(children, "vastInstroommoment"), None
    prices = _children(children["prijs"])
    places = _text(children, "deelnemersplaatsen")
    enrolment_start, end_date = (
        _date(children, "beginAanmeldperiode"),
        _date(children, "einddatum"),
    )
    if start_date is None or enrolment_start is None or end_date is None:
        raise ValueError("datum ontbreekt")
    return CohortValues(
        status=_text(children, "cohortstatus"),
        enrolment_start=enrolment_start,
        enrolment_end=_date(children, "eindeAanmeldperiode"),
        start_date=start_date,
        intake_end=intake_end,
        end_date=end_date,
        total_price=Decimal(_text(prices, "totaleVerplichteKosten")).quantize(Decimal("0.01")),
        subsidisable_amount=Decimal(_text(prices, "subsidieerbaarBedrag")).quantize(
            Decimal("0.01")
        ),
        teaching_form=_text(children, "opleidingsvorm"),
        places_per_year=int(places) if places else None,
    )
