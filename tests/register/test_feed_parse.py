"""Reading a scholingsaanbod feed: hostile files are refused, each record is checked on its own."""

import datetime as dt
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.db import models
from django.test import SimpleTestCase

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from stap.register.feed import parse, schema
from stap.register.feed.parse import FeedRefused, parse_feed, read_document
from stap.register.services import AddressInput
from stap.register.values import (
    Category,
    CohortStatus,
    EqfLevel,
    Language,
    NlqfLevel,
    StapPermission,
    StudyLoadUnit,
    TeachingForm,
    ValueDocument,
)
from tests.register import feed_xml as x

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED_XSD = ROOT / "docs" / "formats" / "scholingsaanbod-feed.xsd"
PACKAGED_XSD = ROOT / "src" / "stap" / "register" / "xsd" / "scholingsaanbod-feed.xsd"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE scholingsaanbod [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<scholingsaanbod xmlns="https://stap-portaal.example/ns/scholingsaanbod/1">
<opleiding><eigenSleutel>&lol9;</eigenSleutel><naamLang>&lol9;</naamLang></opleiding>
</scholingsaanbod>"""


def with_doctype(doctype: str, key: str = "OPL-1") -> bytes:
    """A good feed with a DOCTYPE in front and ``key`` as the training's own key."""
    body = x.feed(x.training("KEY")).decode().split("\n", 1)[1]
    return f'<?xml version="1.0"?>\n{doctype}\n{body}'.replace(
        "<eigenSleutel>KEY<", f"<eigenSleutel>{key}<"
    ).encode()


@contextmanager
def counting_http_server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "GELEKT">')

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()


# Well-formed trees of feed elements, records among them in right and wrong places.
XML_TREES = st.recursive(
    st.sampled_from(
        [
            "<eigenSleutel>A</eigenSleutel>",
            "<naamLang>N</naamLang>",
            "<naamKort>K</naamKort>",
            "<toestemmingDeelnameSTAP>TOESTEMMING_VERLEEND</toestemmingDeelnameSTAP>",
            "<cohortcode>C</cohortcode>",
            "<vastInstroommoment>2027-02-30</vastInstroommoment>",
            "<x:y xmlns:x='urn:x'/>",
            "tekst",
            x.offer("AO"),
            x.cohort("C"),
            x.training("O"),
        ]
    ),
    lambda children: st.tuples(
        st.sampled_from(["opleiding", "aangebodenOpleiding", "cohort", "locatie", "prijs"]),
        st.lists(children, max_size=6),
    ).map(lambda tree: f"<{tree[0]}>{''.join(tree[1])}</{tree[0]}>"),
    max_leaves=25,
)


class HostileFileTests(SimpleTestCase):
    def assertRefused(self, data: bytes, code: str) -> FeedRefused:
        with self.assertRaises(FeedRefused) as caught:
            parse_feed(data)
        self.assertEqual(caught.exception.code, code)
        return caught.exception

    def test_a_billion_laughs_file_is_refused_before_any_entity_is_expanded(self) -> None:
        started = time.perf_counter()

        refusal = self.assertRefused(BILLION_LAUGHS, "feed_doctype")

        self.assertLess(time.perf_counter() - started, 1.0)
        self.assertIn("DOCTYPE", str(refusal))
        self.assertNotIn("lol", str(refusal))

    def test_an_xxe_file_naming_a_local_file_is_refused_and_the_file_is_never_read(
        self,
    ) -> None:
        secret = Path(self.enterContext(tempfile.TemporaryDirectory())) / "geheim.txt"
        secret.write_text("GEHEIM-WACHTWOORD", encoding="utf-8")
        data = with_doctype(
            f'<!DOCTYPE scholingsaanbod [<!ENTITY xxe SYSTEM "file://{secret}">]>', key="&xxe;"
        )

        refusal = self.assertRefused(data, "feed_doctype")

        self.assertNotIn("GEHEIM", str(refusal))

    def test_an_xxe_parameter_entity_naming_a_local_file_is_refused(self) -> None:
        dtd = Path(self.enterContext(tempfile.TemporaryDirectory())) / "aanval.dtd"
        dtd.write_text('<!ENTITY xxe "GEHEIM-UIT-DTD">', encoding="utf-8")
        data = with_doctype(
            f'<!DOCTYPE scholingsaanbod [<!ENTITY % p SYSTEM "file://{dtd}"> %p;]>', key="&xxe;"
        )

        refusal = self.assertRefused(data, "feed_doctype")

        self.assertNotIn("GEHEIM", str(refusal))

    def test_an_xxe_file_naming_an_http_url_is_refused_without_any_request(self) -> None:
        with counting_http_server() as (base_url, requests):
            for doctype in (
                f'<!DOCTYPE scholingsaanbod [<!ENTITY xxe SYSTEM "{base_url}/entity">]>',
                f'<!DOCTYPE scholingsaanbod [<!ENTITY % p SYSTEM "{base_url}/dtd"> %p;]>',
                f'<!DOCTYPE scholingsaanbod SYSTEM "{base_url}/extern.dtd">',
            ):
                with self.subTest(doctype=doctype):
                    self.assertRefused(with_doctype(doctype, key="&xxe;"), "feed_doctype")

        self.assertEqual(requests, [])

    def test_any_doctype_is_refused_even_a_harmless_one(self) -> None:
        self.assertRefused(with_doctype("<!DOCTYPE scholingsaanbod>"), "feed_doctype")

    def test_a_doctype_in_utf16_is_refused_too(self) -> None:
        data = with_doctype("<!DOCTYPE scholingsaanbod>").decode()
        data = data.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')

        self.assertRefused(data.encode("utf-16"), "feed_doctype")

    def test_a_utf7_xxe_gets_past_the_byte_scan_and_the_parser_never_opens_its_file(
        self,
    ) -> None:
        # "<!" written as UTF-7 base64: the byte scan cannot see "<!DOCTYPE", so only the
        # parser's own settings (no entity resolution, no DTD) keep the file from being read.
        fifo = Path(self.enterContext(tempfile.TemporaryDirectory())) / "geheim"
        os.mkfifo(fifo)
        # Another process waits to write the secret until someone opens the FIFO to read it.
        writer = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [
                sys.executable,
                "-c",
                "import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); "
                "os.write(fd, b'GEHEIM'); os.close(fd)",
                str(fifo),
            ]
        )
        self.addCleanup(writer.kill)
        body = x.feed(x.training("KEY")).decode().split("\n", 1)[1]
        body = body.replace("<eigenSleutel>KEY<", "<eigenSleutel>&xxe;<")
        data = b'<?xml version="1.0" encoding="UTF-7"?>\n' + (
            f'+ADwAIQ-DOCTYPE scholingsaanbod [<!ENTITY xxe SYSTEM "file://{fifo}">]>\n{body}'
        ).encode("ascii")
        self.assertFalse(any(marker in data for marker in parse._DOCTYPE_MARKERS))

        refusal = self.assertRefused(data, "feed_doctype")

        self.assertNotIn("GEHEIM", str(refusal))
        # Open the FIFO ourselves: the writer hands us the secret only if nobody read it before.
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            writer.wait(timeout=10)
            self.assertEqual(os.read(reader, 100), b"GEHEIM", "the parser opened the file")
        finally:
            os.close(reader)

    def test_attributes_count_toward_the_element_limit(self) -> None:
        # The format has no attributes; each one could cost a schema error, so they count.
        attributes = " ".join(f"a{number}='1'" for number in range(2_000))
        data = x.feed(x.training()).replace(b"<naamLang>", f"<naamLang {attributes}>".encode())

        with mock.patch.object(parse, "MAX_ELEMENTS", 1_000):
            refusal = self.assertRefused(data, "feed_too_many_elements")

        self.assertIn("1.000 elementen en attributen", str(refusal))

    def test_a_file_above_the_size_limit_is_refused_before_it_is_parsed(self) -> None:
        data = x.feed() + b" " * parse.MAX_BYTES

        with mock.patch.object(parse, "_parser", side_effect=AssertionError("parsed")):
            refusal = self.assertRefused(data, "feed_too_large")

        self.assertIn("ten hoogste 20 MB", str(refusal))

    def test_a_file_with_too_many_elements_is_refused(self) -> None:
        filler = "<x/>" * 2_000
        data = x.feed().replace(b"</scholingsaanbod>", f"{filler}</scholingsaanbod>".encode())

        with mock.patch.object(parse, "MAX_ELEMENTS", 1_000):
            refusal = self.assertRefused(data, "feed_too_many_elements")

        self.assertIn("1.000 elementen", str(refusal))

    def test_a_file_that_is_not_xml_is_refused(self) -> None:
        for data in (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"eigenSleutel;naamLang\nOPL-1;Excel\n"):
            with self.subTest(data=data):
                refusal = self.assertRefused(data, "feed_not_xml")
                self.assertIn("geen goedgevormde XML", str(refusal))

    def test_an_empty_file_is_refused(self) -> None:
        self.assertRefused(b"", "feed_empty")
        self.assertRefused(b"  \n", "feed_empty")

    def test_a_truncated_file_is_refused_with_where_it_stops(self) -> None:
        data = x.example("goed")[:1500]

        refusal = self.assertRefused(data, "feed_not_xml")

        self.assertIn("regel", str(refusal))

    def test_the_right_root_in_the_wrong_namespace_is_refused_with_the_namespace_to_use(
        self,
    ) -> None:
        data = x.feed().replace(x.NAMESPACE.encode(), b"https://example.org/iets-anders")

        refusal = self.assertRefused(data, "feed_wrong_root")

        self.assertIn(f'xmlns="{x.NAMESPACE}"', str(refusal))

    def test_another_document_is_refused(self) -> None:
        refusal = self.assertRefused(b"<factuur><bedrag>10</bedrag></factuur>", "feed_wrong_root")

        self.assertIn("<factuur>", str(refusal))

    def test_a_feed_without_any_opleiding_is_refused(self) -> None:
        self.assertRefused(
            f'<scholingsaanbod xmlns="{x.NAMESPACE}"></scholingsaanbod>'.encode(), "feed_empty"
        )

    def test_a_good_file_reads_and_keeps_no_doctype_or_entities(self) -> None:
        root = read_document(x.example("goed"))

        self.assertEqual(root.getroottree().docinfo.doctype, "")
        self.assertFalse(any(isinstance(node, etree._Entity) for node in root.iter()))

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=3000))
    def test_arbitrary_bytes_give_a_feed_or_the_clear_refusal_and_nothing_else(
        self, data: bytes
    ) -> None:
        try:
            parse_feed(data)
        except FeedRefused as refusal:
            self.assertTrue(str(refusal))

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    "<opleiding>",
                    "</opleiding>",
                    # Whole records, so that records in the wrong place come up often.
                    "<opleiding><eigenSleutel>O</eigenSleutel><naamLang>N</naamLang>"
                    "<naamKort>K</naamKort>",
                    x.offer("AO"),
                    x.cohort("C"),
                    "<aangebodenOpleiding>",
                    "</aangebodenOpleiding>",
                    "<cohort>",
                    "</cohort>",
                    "<eigenSleutel>A</eigenSleutel>",
                    "<naamLang>N</naamLang>",
                    "<naamKort>K</naamKort>",
                    "<toestemmingDeelnameSTAP>TOESTEMMING_VERLEEND</toestemmingDeelnameSTAP>",
                    "<cohortcode>C</cohortcode>",
                    "<prijs><totaleVerplichteKosten>1</totaleVerplichteKosten></prijs>",
                    "<vastInstroommoment>2027-02-30</vastInstroommoment>",
                    "<locatie><postcode>1</postcode></locatie>",
                    "<x:y xmlns:x='urn:x'/>",
                    "&amp;",
                    "&lol;",
                    "<![CDATA[<]]>",
                    "<!-- -->",
                    "<?pi x?>",
                    "<!DOCTYPE d>",
                    "tekst",
                    "\u00e9",
                ]
            ),
            max_size=40,
        )
    )
    def test_xml_like_fragments_give_a_feed_or_the_clear_refusal_and_nothing_else(
        self, parts: list[str]
    ) -> None:
        data = f'<scholingsaanbod xmlns="{x.NAMESPACE}">{"".join(parts)}</scholingsaanbod>'
        try:
            feed = parse_feed(data.encode())
        except FeedRefused as refusal:
            self.assertTrue(str(refusal))
        else:
            self.assertEveryRejectedOpleidingHasAProblem(data.encode(), feed)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(XML_TREES, min_size=1, max_size=3))
    def test_an_opleiding_the_schema_rejects_always_has_a_problem(self, trees: list[str]) -> None:
        data = f'<scholingsaanbod xmlns="{x.NAMESPACE}">{"".join(trees)}</scholingsaanbod>'
        try:
            feed = parse_feed(data.encode())
        except FeedRefused as refusal:
            self.assertIn(refusal.code, {"feed_empty"})
        else:
            self.assertEveryRejectedOpleidingHasAProblem(data.encode(), feed)

    def assertEveryRejectedOpleidingHasAProblem(self, data: bytes, feed: parse.Feed) -> None:
        """An opleiding the XSD rejects always shows up in the report as at least one FOUT:
        some record of it has a problem. Nothing wrong may hide in a record the parser never
        reads (a record in the wrong place)."""
        for item in feed.items():
            self.assertEqual(item.values is None, bool(item.problems))
        elements = read_document(data).iterchildren(f"{{{x.NAMESPACE}}}opleiding")
        for element, training in zip(elements, feed.trainings, strict=True):
            if not schema.schema().validate(element):
                problems = [*training.problems]
                for offer in training.offers:
                    problems += offer.problems
                    problems += [p for cohort in offer.cohorts for p in cohort.problems]
                self.assertTrue(problems, data)


def in_cohort(**values: str) -> str:
    return x.training("OPL-1", x.offer("AO-1", x.cohort(**values)))


class RecordTests(SimpleTestCase):
    def test_the_good_example_reads_without_problems(self) -> None:
        feed = parse_feed(x.example("goed"))

        self.assertEqual(feed.item_count, 9)
        self.assertEqual(feed.problems, [])
        self.assertEqual([item.problems for item in feed.items()], [[]] * 9)

    def test_values_are_mapped_to_the_register_fields(self) -> None:
        feed = parse_feed(x.example("goed"))

        training = feed.trainings[0]
        assert training.values is not None
        self.assertEqual(training.own_key, "OPL-BOEKH-01")
        self.assertEqual(training.values.study_load, 120)
        self.assertEqual(training.values.study_load_unit, StudyLoadUnit.CONTACTUUR)
        self.assertFalse(training.values.is_multi_year)
        utrecht, online = training.offers
        assert utrecht.values is not None and online.values is not None
        self.assertEqual(
            utrecht.values.address,
            AddressInput(
                street="Stationsplein",
                house_number="1",
                house_number_addition="A",
                postcode="3511 ED",
                city="Utrecht",
            ),
        )
        self.assertIsNone(online.values.address)
        self.assertEqual(online.values.language, Language.NLD)  # the default
        fixed = utrecht.cohorts[0].values
        assert fixed is not None
        self.assertEqual(fixed.start_date, dt.date(2027, 1, 11))
        self.assertIsNone(fixed.intake_end)
        self.assertEqual(fixed.total_price, Decimal("1050.00"))
        flexible = online.cohorts[0].values
        assert flexible is not None
        self.assertEqual(
            (flexible.start_date, flexible.intake_end), (dt.date(2027, 1, 1), dt.date(2027, 6, 30))
        )
        closed = feed.trainings[1].offers[0].cohorts[0].values
        assert closed is not None
        self.assertEqual(closed.subsidisable_amount, Decimal("400.50"))
        self.assertEqual(closed.status, CohortStatus.CLOSED)

    def test_each_schema_error_is_pinned_on_the_record_it_is_in(self) -> None:
        feed = parse_feed(x.example("met-fouten"))

        broken = {
            getattr(item, "own_key", "") or getattr(item, "code", ""): [
                problem.element for problem in item.problems
            ]
            for item in feed.items()
            if item.problems
        }
        self.assertEqual(
            broken,
            {
                "OPL-FOUT-NAAM": ["naamKort"],
                "AO-FOUT-POSTCODE": ["postcode"],
                "C-FOUT-DATUM": ["vastInstroommoment"],
                "OPL-FOUT-CATEGORIE": ["categorie"],
            },
        )

    def test_one_bad_cohort_does_not_hide_the_errors_of_its_siblings(self) -> None:
        data = x.feed(
            x.training(
                "OPL-1",
                x.offer(
                    "AO-1",
                    x.cohort("C1", total="12,50"),
                    x.cohort("C2"),
                    x.cohort("C3", form="OP_AFSTAND"),
                ),
            )
        )

        cohorts = parse_feed(data).trainings[0].offers[0].cohorts

        self.assertEqual(
            [[problem.element for problem in cohort.problems] for cohort in cohorts],
            [["totaleVerplichteKosten"], [], ["opleidingsvorm"]],
        )

    def test_schema_errors_are_in_dutch_and_name_the_element(self) -> None:
        cases = {
            x.training(name=""): "<naamLang> is leeg",
            x.training(short_name="k" * 41): "<naamKort> is te lang: 41 tekens, ten hoogste 40",
            x.training(study_load=("120", "DAGEN")): "<studielasteenheid> heeft de waarde 'DAGEN'",
            x.training(multi_year="ja"): "Schrijf true of false",
            in_cohort(places="0"): "<deelnemersplaatsen> is 0",
            in_cohort(total="2000000"): "het hoogste toegestane is 1000000",
            in_cohort(total="10.005"): "<totaleVerplichteKosten> heeft te veel",
            in_cohort(start="11-01-2027"): "JJJJ-MM-DD",
            x.training("OPL-1", x.offer("AO-1", website="www.opleider.nl")): "https://",
            in_cohort(code=""): "<cohortcode> is leeg",
            x.training(provider_code="12A345"): "drie cijfers, een hoofdletter",
            x.training(kvk_number="1234"): "8 cijfers",
        }
        for training, expected in cases.items():
            with self.subTest(expected=expected):
                problems = [
                    p.message
                    for item in parse_feed(x.feed(training)).items()
                    for p in item.problems
                ]
                self.assertTrue(any(expected in message for message in problems), problems)

    def test_missing_and_misplaced_elements_are_named(self) -> None:
        missing = x.feed(x.training("OPL-1", x.offer("AO-1", permission=""))).replace(
            b"<toestemmingDeelnameSTAP></toestemmingDeelnameSTAP>", b""
        )
        [offer] = parse_feed(missing).trainings[0].offers
        self.assertIn("ontbreekt <toestemmingDeelnameSTAP>", offer.problems[0].message)

        misplaced = x.feed(x.training()).replace(
            b"<naamKort>Boekhouden</naamKort>",
            b"<naamKort>Boekhouden</naamKort><kleur>rood</kleur>",
        )
        [training] = parse_feed(misplaced).trainings
        self.assertIn("<kleur> staat hier niet op zijn plaats", training.problems[0].message)

        foreign = x.feed(x.training()).replace(
            b"<naamKort>Boekhouden</naamKort>", b'<naamKort xmlns="">Boekhouden</naamKort>'
        )
        [training] = parse_feed(foreign).trainings
        self.assertIn("niet in de namespace", training.problems[0].message)

    def test_errors_are_pinned_the_same_way_when_the_file_uses_a_namespace_prefix(self) -> None:
        data = x.feed(
            x.training(
                "OPL-1", x.offer("AO-1", x.cohort("C1", total="1,50"), x.cohort("C2")), name=""
            )
        ).decode()
        prefixed = (
            data.replace("<", "<sa:")
            .replace("<sa:/", "</sa:")
            .replace("<sa:?xml", "<?xml")
            .replace("xmlns=", "xmlns:sa=")
        )

        [training] = parse_feed(prefixed.encode()).trainings

        self.assertEqual([p.element for p in training.problems], ["naamLang"])
        [offer] = training.offers
        self.assertEqual(offer.problems, [])
        self.assertEqual(
            [[p.element for p in cohort.problems] for cohort in offer.cohorts],
            [["totaleVerplichteKosten"], []],
        )

    def test_an_error_in_the_address_is_about_the_location(self) -> None:
        address = {**x.STATIONSPLEIN, "huisnummer": "1a"}
        data = x.feed(x.training("OPL-1", x.offer("AO-1", address=address)))

        [offer] = parse_feed(data).trainings[0].offers

        [problem] = offer.problems
        self.assertEqual((problem.element, problem.subject), ("huisnummer", "locatie"))
        self.assertIn("<huisnummertoevoeging>", problem.message)


class SchemaFileTests(SimpleTestCase):
    def test_the_packaged_schema_is_the_published_schema(self) -> None:
        self.assertEqual(PACKAGED_XSD.read_bytes(), PUBLISHED_XSD.read_bytes())

    def test_the_good_example_is_valid_and_the_example_with_errors_is_not(self) -> None:
        schema = etree.XMLSchema(etree.parse(str(PUBLISHED_XSD)))

        self.assertTrue(schema.validate(etree.fromstring(x.example("goed"))))
        self.assertFalse(schema.validate(etree.fromstring(x.example("met-fouten"))))

    def test_the_schema_value_lists_are_the_register_value_lists(self) -> None:
        schema = etree.parse(str(PUBLISHED_XSD))
        xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
        expected: dict[str, type[models.TextChoices]] = {
            "Studielasteenheid": StudyLoadUnit,
            "NiveauNLQF": NlqfLevel,
            "NiveauEQF": EqfLevel,
            "Waardedocumentsoort": ValueDocument,
            "Categorie": Category,
            "Voertaal": Language,
            "ToestemmingDeelnameSTAP": StapPermission,
            "Cohortstatus": CohortStatus,
            "Opleidingsvorm": TeachingForm,
        }
        for type_name, choices in expected.items():
            with self.subTest(type_name=type_name):
                values = schema.xpath(
                    f"//xs:simpleType[@name='{type_name}']//xs:enumeration/@value",
                    namespaces=xs,
                )
                self.assertEqual(list(values), list(choices.values))

    def test_the_documentation_describes_every_element_of_the_schema(self) -> None:
        schema = etree.parse(str(PUBLISHED_XSD))
        names = set(
            schema.xpath(
                "//xs:element/@name", namespaces={"xs": "http://www.w3.org/2001/XMLSchema"}
            )
        )
        spec = (ROOT / "docs" / "formats" / "scholingsaanbod-feed.md").read_text(encoding="utf-8")

        self.assertEqual({name for name in names if f"`{name}`" not in spec}, set())


def misplaced(case: str) -> bytes:
    """A good opleiding with one record in a place where the parser never reads it."""
    if case == "cohort directly in the opleiding":
        record = x.training("OPL-1", x.offer("AO-1"))
        return x.feed(record.replace("</opleiding>", x.cohort("C-ZOEK") + "</opleiding>"))
    if case == "aangeboden opleiding in another":
        end = "</aangebodenOpleiding>"
        outer = x.offer("AO-1")
        return x.feed(x.training("OPL-1", outer.removesuffix(end) + x.offer("AO-ZOEK") + end))
    assert case == "opleiding in an opleiding"
    record = x.training("OPL-1")
    return x.feed(record.replace("</opleiding>", x.training("OPL-ZOEK") + "</opleiding>"))


MISPLACED = {
    "cohort directly in the opleiding": ("opleiding", "<cohort>"),
    "aangeboden opleiding in another": ("aangebodenOpleiding", "<aangebodenOpleiding>"),
    "opleiding in an opleiding": ("opleiding", "<opleiding>"),
}


class MisplacedRecordTests(SimpleTestCase):
    def test_a_record_in_the_wrong_place_is_a_problem_of_the_record_around_it(self) -> None:
        for case, (holder, named) in MISPLACED.items():
            with self.subTest(case=case):
                data = misplaced(case)
                self.assertFalse(schema.schema().validate(read_document(data)))

                feed = parse_feed(data)

                problems = {
                    type(item).__name__: [problem.message for problem in item.problems]
                    for item in feed.items()
                    if item.problems
                }
                owner = "TrainingItem" if holder == "opleiding" else "OfferItem"
                self.assertEqual(list(problems), [owner])
                [message] = problems[owner]
                self.assertIn(f"Het element {named} staat hier niet op zijn plaats", message)
                # The misplaced record is not read as a record of its own.
                self.assertEqual(feed.item_count, 2)


class ManyProblemsTests(SimpleTestCase):
    def test_thousands_of_bad_attributes_elements_and_cohorts_are_handled_and_capped(
        self,
    ) -> None:
        # The worst cases of the review together, in one opleiding of about 800 KB: 16,000
        # attributes that are not allowed, 8,000 elements that are not expected and 2,000 cohorts
        # with a bad price. Each error used to walk the whole opleiding again (minutes); now the
        # record is walked once, and attribute errors on one element are one problem.
        attributes = " ".join(f"a{number}=''" for number in range(8_000))
        junk = "<junk>" + "<y/>" * 8_000 + "</junk>"
        cohorts = [x.cohort(f"C{number}", total="abc") for number in range(2_000)]
        record = x.training("OPL-1", x.offer("AO-1", *cohorts))
        record = record.replace("<naamLang>", f"<naamLang {attributes}>")
        record = record.replace("<aangebodenOpleiding>", f"<aangebodenOpleiding {attributes}>")
        data = x.feed(record.replace("</opleiding>", junk + "</opleiding>"))

        feed = parse_feed(data)

        [training] = feed.trainings
        [offer] = training.offers
        self.assertEqual([problem.element for problem in training.problems], ["naamLang", "junk"])
        self.assertEqual([problem.element for problem in offer.problems], ["aangebodenOpleiding"])
        self.assertEqual(len(offer.cohorts), 2_000)
        self.assertEqual(
            {tuple(problem.element for problem in cohort.problems) for cohort in offer.cohorts},
            {("totaleVerplichteKosten",)},
        )

    def test_a_record_reports_at_most_the_maximum_and_counts_the_rest(self) -> None:
        cohort = x.cohort(
            "",
            status="X",
            enrolment_start="gisteren",
            end="morgen",
            total="abc",
            subsidisable="abc",
            form="LOPEND",
            places="0",
        )
        data = x.feed(x.training("OPL-1", x.offer("AO-1", cohort)))

        with mock.patch.object(schema, "MAX_PROBLEMS_PER_RECORD", 3):
            [cohort_item] = parse_feed(data).trainings[0].offers[0].cohorts

        messages = [problem.message for problem in cohort_item.problems]
        self.assertEqual(len(messages), 4, messages)
        self.assertIn("<cohortcode> is leeg", messages[0])
        self.assertEqual(
            messages[3],
            "En nog 5 problemen in dit onderdeel. Herstel eerst de problemen hierboven en stuur "
            "het bestand opnieuw.",
        )
        all_of_them = parse_feed(data).trainings[0].offers[0].cohorts[0].problems
        self.assertEqual(len(all_of_them), 8)  # the real maximum (20) is not reached


class MessageTests(SimpleTestCase):
    def test_a_date_that_does_not_exist_is_called_so(self) -> None:
        for day in ("2027-02-29", "2027-02-30", "2027-13-01"):
            with self.subTest(day=day):
                data = x.feed(in_cohort(start=day))

                [cohort] = parse_feed(data).trainings[0].offers[0].cohorts

                [problem] = cohort.problems
                self.assertEqual(
                    problem.message,
                    f"<vastInstroommoment> is {day}, maar die datum bestaat niet. Kies een datum "
                    "die wel bestaat.",
                )

    def test_a_date_in_another_form_still_gets_the_form_to_use(self) -> None:
        [cohort] = parse_feed(x.feed(in_cohort(start="29-02-2028"))).trainings[0].offers[0].cohorts

        self.assertIn("JJJJ-MM-DD", cohort.problems[0].message)

    def test_long_element_and_attribute_names_are_shortened_in_messages(self) -> None:
        long_name = "a" * 40_000
        cases = {
            "attribute": x.feed(x.training()).replace(
                b"<naamLang>", f"<naamLang {long_name}='1'>".encode()
            ),
            "element": x.feed(x.training()).replace(
                b"<naamKort>Boekhouden</naamKort>",
                f"<naamKort>Boekhouden</naamKort><{long_name}/>".encode(),
            ),
            "top": x.feed(x.training()).replace(
                b"<opleiding>", f"<{long_name}/><opleiding>".encode()
            ),
        }
        for case, data in cases.items():
            with self.subTest(case=case):
                feed = parse_feed(data)
                messages = [p.message for p in feed.problems]
                messages += [p.message for item in feed.items() for p in item.problems]
                self.assertEqual(len(messages), 1, messages)
                self.assertIn("a" * 57 + "…", messages[0])
                self.assertLess(len(messages[0]), 400)

    def test_an_opleiding_in_another_namespace_is_skipped_with_that_namespace_named(self) -> None:
        data = x.feed(x.training("OPL-1"), x.training("OPL-2")).replace(
            b"<opleiding>", b'<opleiding xmlns="urn:ander">', 1
        )

        feed = parse_feed(data)

        self.assertEqual([training.own_key for training in feed.trainings], ["OPL-2"])
        [problem] = feed.problems
        self.assertIn("<opleiding> staat in de namespace urn:ander", problem.message)
        self.assertIn(x.NAMESPACE, problem.message)

    def test_a_file_whose_opleidingen_are_all_in_another_namespace_says_so(self) -> None:
        data = x.feed(x.training()).replace(b"<opleiding>", b'<opleiding xmlns="">')

        for read in (parse_feed, parse.count_items):
            with self.subTest(read=read.__name__):
                with self.assertRaises(FeedRefused) as caught:
                    read(data)

                self.assertEqual(caught.exception.code, "feed_wrong_namespace")
                self.assertIn("de opleidingen staan in geen namespace", str(caught.exception))
