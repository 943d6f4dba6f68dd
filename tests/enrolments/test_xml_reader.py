"""Reading an XML file of vooraanmeldingen: hostile files are refused before they can do harm,
each record is checked on its own, and every value the XSD refuses is reported."""

import io
import math
import re
from collections.abc import Mapping
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg import rules, structure, xml_reader
from stap.enrolments.prereg.reading import FileRefused, RawRow
from stap.enrolments.prereg.rules import Finding, Rule
from stap.enrolments.prereg.structure import check_structure
from stap.enrolments.prereg.xml_reader import read_xml

ROOT = Path(settings.BASE_DIR)
PUBLISHED_XSD = ROOT / "docs" / "formats" / "vooraanmeldingen.xsd"
EXAMPLE = ROOT / "docs" / "formats" / "examples" / "vooraanmeldingen.xml"
NS = f.NAMESPACE
MAX_BYTES = 1_000_000
MAX_ROWS = 1_000

GOOD: Mapping[str, str] = {
    f.STUDENTNUMMER: "S2026001",
    f.VOORNAAM: "Anna",
    f.TUSSENVOEGSEL: "de",
    f.ACHTERNAAM: "Vries",
    f.GEBOORTEDATUM: "1990-05-17",
    f.STRAATNAAM: "Hoofdstraat",
    f.HUISNUMMER: "12",
    f.HUISNUMMERTOEVOEGING: "B",
    f.POSTCODE: "9711 AB",
    f.WOONPLAATS: "Groningen",
    f.LAND: "NL",
    f.EMAIL: "anna@example.nl",
    f.SCHOLINGS_ID: "3f2c1a9e-7b4d-4e8a-9c1f-2d3e4f5a6b7c",
    f.COHORTCODE: "DOORLOPEND",
    f.STARTDATUM: "2029-09-03",
    f.EINDDATUM: "2030-06-30",
    f.SUBSIDIEBEDRAG: "950.00",
    f.STUDIEJAAR_BEGIN: "2029-09-01",
    f.STUDIEJAAR_EIND: "2030-08-31",
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE vooraanmeldingen [
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
<vooraanmeldingen xmlns="https://stap-portaal.nl/schemas/vooraanmeldingen/1">
<vooraanmelding><studentnummer>S1</studentnummer><voornaam>&lol9;</voornaam></vooraanmelding>
</vooraanmeldingen>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE vooraanmeldingen [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>
<vooraanmeldingen xmlns="https://stap-portaal.nl/schemas/vooraanmeldingen/1">
<vooraanmelding><studentnummer>S1</studentnummer><voornaam>&geheim;</voornaam></vooraanmelding>
</vooraanmeldingen>"""


def record(values: Mapping[str, str | None] | None = None, **changes: str | None) -> str:
    """A <vooraanmelding> with GOOD's values, changed by ``changes`` (``None`` leaves the
    element out); its values are escaped, so any text can be tried."""
    merged = {**GOOD, **(values or {}), **changes}
    children = "".join(
        f"<{name}>{_escaped(merged[name])}</{name}>"
        for name in f.FIELDS
        if merged.get(name) is not None
    )
    return f"<vooraanmelding>{children}</vooraanmelding>"


def _escaped(value: str | None) -> str:
    text = (value or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def document(*records: str, header: str = "", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<vooraanmeldingen xmlns="{NS}">\n'
        f"{header}{chr(10).join(records)}\n</vooraanmeldingen>\n"
    ).encode()


def rows_of(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> list[RawRow]:
    return list(read_xml(io.BytesIO(data), max_bytes=max_bytes, max_rows=max_rows))


def row_of(xml_record: str) -> RawRow:
    [row] = rows_of(document(xml_record))
    return row


def details(row: RawRow) -> list[str]:
    return [str(finding.values["detail"]) for finding in row.findings]


class Unseekable(io.RawIOBase):
    """A stream that cannot tell its size, like a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview") -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class RefusalTestCase(SimpleTestCase):
    def assertRefused(
        self, data: bytes, rule: Rule, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
    ) -> Finding:
        with self.assertRaises(FileRefused) as caught:
            rows_of(data, max_bytes=max_bytes, max_rows=max_rows)
        self.assertEqual(caught.exception.finding.rule, rule, caught.exception.finding.message)
        return caught.exception.finding


class SchemaTests(SimpleTestCase):
    def test_the_packaged_schema_is_the_published_one(self) -> None:
        self.assertEqual(xml_reader.SCHEMA_PATH.read_bytes(), PUBLISHED_XSD.read_bytes())

    def test_a_record_has_the_fields_in_their_order_and_requires_the_required_columns(
        self,
    ) -> None:
        xs = "{http://www.w3.org/2001/XMLSchema}"
        tree = etree.parse(str(PUBLISHED_XSD))
        [sequence] = tree.xpath(
            "/xs:schema/xs:element[@name='vooraanmelding']/xs:complexType/xs:sequence",
            namespaces={"xs": xs[1:-1]},
        )
        elements = [child for child in sequence if child.tag == xs + "element"]
        self.assertEqual(tuple(element.get("name") for element in elements), f.FIELDS)
        required = {element.get("name") for element in elements if element.get("minOccurs") != "0"}
        self.assertEqual(required, set(f.REQUIRED_COLUMNS))
        self.assertEqual(required, set(structure.ALWAYS_REQUIRED))

    def test_the_example_file_is_valid_and_reads_without_findings(self) -> None:
        self.assertTrue(xml_reader.schema().validate(etree.parse(str(EXAMPLE))))
        rows = rows_of(EXAMPLE.read_bytes())
        self.assertEqual(len(rows), 3)
        for row in rows:
            self.assertEqual(row.findings, ())
            self.assertEqual(check_structure(row).findings, [])


class FileRefusalTests(RefusalTestCase):
    def test_an_empty_file_is_refused(self) -> None:
        self.assertRefused(b"", rules.FILE_EMPTY)

    def test_a_file_of_white_space_and_a_byte_order_mark_is_refused_as_empty(self) -> None:
        self.assertRefused(b"\xef\xbb\xbf  \r\n\t\n", rules.FILE_EMPTY)

    def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(self) -> None:
        data = document(*[record()] * 3000)
        finding = self.assertRefused(data, rules.FILE_TOO_LARGE, max_bytes=2**20)
        self.assertEqual(finding.values["limit"], "1")
        self.assertEqual(finding.values["size"], f"{math.ceil(len(data) * 10 / 2**20) / 10:.1f}")

    def test_a_stream_that_cannot_tell_its_size_is_refused_once_it_is_too_large(self) -> None:
        data = document(*[record()] * 3000)
        with self.assertRaises(FileRefused) as caught:
            list(read_xml(io.BufferedReader(Unseekable(data)), max_bytes=2**20, max_rows=10_000))
        self.assertEqual(caught.exception.finding.rule, rules.FILE_TOO_LARGE)
        self.assertEqual(
            caught.exception.finding.values["size"], f"{math.ceil(len(data) * 10 / 2**20) / 10:.1f}"
        )

    def test_a_binary_file_is_refused_as_not_text(self) -> None:
        self.assertRefused(
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), rules.FILE_NOT_TEXT
        )

    def test_text_that_is_not_xml_is_refused_as_not_well_formed(self) -> None:
        finding = self.assertRefused(b"studentnummer;voornaam\nS1;Jan\n", rules.FILE_XML_MALFORMED)
        self.assertEqual(finding.values["line"], 1)

    def test_a_file_that_is_not_well_formed_is_refused_with_the_line_and_the_reason(self) -> None:
        data = document(record(), record()).replace(b"</voornaam>", b"</voornam>", 2)
        finding = self.assertRefused(data, rules.FILE_XML_MALFORMED)
        self.assertEqual(finding.values["line"], 3)
        self.assertIn("voornam", str(finding.values["detail"]))

    def test_an_undeclared_entity_is_refused_naming_the_entity(self) -> None:
        data = document(record(voornaam="Jan")).replace(b"Jan", b"&foo;")
        finding = self.assertRefused(data, rules.FILE_XML_MALFORMED)
        self.assertIn("foo", str(finding.values["detail"]))

    def test_a_file_in_an_unknown_encoding_is_refused_as_not_well_formed(self) -> None:
        data = document(record()).replace(b"UTF-8", b"X-KLINGON")
        self.assertRefused(data, rules.FILE_XML_MALFORMED)

    def test_a_root_element_with_another_name_is_refused(self) -> None:
        data = document(record()).replace(b"vooraanmeldingen", b"aanmeldingen")
        finding = self.assertRefused(data, rules.FILE_XML_ROOT)
        self.assertEqual(finding.values["namespace"], NS)

    def test_the_root_element_in_another_namespace_is_refused(self) -> None:
        data = document(record()).replace(NS.encode(), b"https://example.org/oud")
        self.assertRefused(data, rules.FILE_XML_ROOT)

    def test_a_file_with_a_header_and_no_records_is_refused(self) -> None:
        self.assertRefused(document(header="<kop><aantal>0</aantal></kop>"), rules.FILE_NO_ROWS)

    def test_a_header_count_that_does_not_match_is_refused_after_the_last_record(self) -> None:
        data = document(record(), record(), header="<kop><aantal>3</aantal></kop>")
        finding = self.assertRefused(data, rules.FILE_XML_COUNT)
        self.assertEqual((finding.values["stated"], finding.values["found"]), (3, 2))

    def test_a_header_count_that_matches_lets_every_record_through(self) -> None:
        header = "<kop><aantal>2</aantal><aangemaakt>2026-11-29T09:00:00Z</aangemaakt></kop>"
        self.assertEqual(len(rows_of(document(record(), record(), header=header))), 2)

    def test_more_records_than_the_limit_are_refused(self) -> None:
        finding = self.assertRefused(
            document(*[record()] * 4), rules.FILE_TOO_MANY_ROWS, max_rows=3
        )
        self.assertEqual(finding.values["limit"], 3)

    def test_a_header_that_announces_more_records_than_the_limit_is_refused_at_once(self) -> None:
        data = document(record(), header="<kop><aantal>4</aantal></kop>")
        reader = read_xml(io.BytesIO(data), max_bytes=MAX_BYTES, max_rows=3)
        with self.assertRaises(FileRefused) as caught:
            next(reader)
        self.assertEqual(caught.exception.finding.rule, rules.FILE_TOO_MANY_ROWS)

    def test_a_header_that_does_not_fit_the_schema_is_refused(self) -> None:
        finding = self.assertRefused(
            document(record(), header="<kop><aantal>drie</aantal></kop>"), rules.FILE_XML_SCHEMA
        )
        self.assertIn("<kop>", str(finding.values["detail"]))

    def test_a_header_after_the_first_record_is_refused(self) -> None:
        data = document(record(), "<kop><aantal>1</aantal></kop>")
        finding = self.assertRefused(data, rules.FILE_XML_SCHEMA)
        self.assertIn("<kop>", str(finding.values["detail"]))

    def test_an_unknown_element_between_the_records_is_refused_with_a_suggestion(self) -> None:
        data = document(record(), record().replace("vooraanmelding>", "vooraanmeldng>"))
        finding = self.assertRefused(data, rules.FILE_XML_SCHEMA)
        self.assertIn("<vooraanmeldng>", str(finding.values["detail"]))
        self.assertIn("Bedoelt u <vooraanmelding>?", str(finding.values["detail"]))

    def test_an_unknown_element_after_the_last_record_is_refused(self) -> None:
        self.assertRefused(document(record(), "<extra/>"), rules.FILE_XML_SCHEMA)

    def test_a_record_in_another_namespace_is_refused_rather_than_skipped(self) -> None:
        other = record().replace("<vooraanmelding>", '<vooraanmelding xmlns="urn:oud">')
        finding = self.assertRefused(document(record(), other), rules.FILE_XML_SCHEMA)
        self.assertIn(NS, str(finding.values["detail"]))

    def test_text_between_the_records_is_refused(self) -> None:
        finding = self.assertRefused(document(record(), "oeps", record()), rules.FILE_XML_SCHEMA)
        self.assertIn("oeps", str(finding.values["detail"]))

    def test_a_record_stuffed_with_elements_is_refused(self) -> None:
        stuffed = record().replace("</vooraanmelding>", "<x/>" * 200_000 + "</vooraanmelding>")
        finding = self.assertRefused(document(stuffed), rules.FILE_XML_SCHEMA, max_bytes=10**7)
        self.assertIn(str(xml_reader.MAX_ELEMENTS_PER_RECORD), str(finding.values["detail"]))

    def test_a_stuffed_record_is_refused_before_it_is_read_to_its_end(self) -> None:
        stuffed = record().replace("</vooraanmelding>", "<x/>" * 200_000)
        data = document(stuffed)[: -len("</vooraanmeldingen>\n")] + b"<unfinished"
        self.assertRefused(data, rules.FILE_XML_SCHEMA, max_bytes=10**7)

    def test_a_start_tag_with_endless_attributes_is_refused(self) -> None:
        attributes = " ".join(f'a{number}=""' for number in range(60_000))
        data = document(record().replace("<vooraanmelding>", f"<vooraanmelding {attributes}>"))
        finding = self.assertRefused(data, rules.FILE_XML_SCHEMA)
        self.assertIn("64 kB", str(finding.values["detail"]))

    def test_a_value_of_hundreds_of_kilobytes_is_refused(self) -> None:
        data = document(record(voornaam="x" * 400_000))
        self.assertRefused(data, rules.FILE_XML_SCHEMA)

    def test_a_file_of_strangers_is_refused_while_reading_not_at_its_end(self) -> None:
        data = document("<x/>" * 300_000) + b"<broken"
        finding = self.assertRefused(data, rules.FILE_XML_SCHEMA, max_bytes=10**7)
        self.assertIn("<x>", str(finding.values["detail"]))

    def test_a_file_in_an_old_namespace_is_refused_while_reading_not_at_its_end(self) -> None:
        data = document(*[record()] * 3000).replace(NS.encode(), b"urn:oud") + b"<broken"
        self.assertGreater(len(data), xml_reader.ROOT_WITHIN_BYTES)
        self.assertRefused(data, rules.FILE_XML_ROOT, max_bytes=10**7, max_rows=10_000)


class UnsafeXmlTests(RefusalTestCase):
    def test_a_billion_laughs_file_is_refused_before_parsing(self) -> None:
        self.assertRefused(BILLION_LAUGHS, rules.FILE_XML_UNSAFE)

    def test_an_external_entity_file_is_refused_without_reading_the_entity(self) -> None:
        self.assertRefused(EXTERNAL_ENTITY, rules.FILE_XML_UNSAFE)

    def test_a_doctype_in_utf16_is_refused(self) -> None:
        data = EXTERNAL_ENTITY.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
        self.assertRefused(data.encode("utf-16"), rules.FILE_XML_UNSAFE)
        self.assertRefused(data.encode("utf-16-be"), rules.FILE_XML_UNSAFE)

    def test_a_doctype_split_over_two_chunks_is_refused(self) -> None:
        padding = "x" * (xml_reader.CHUNK_BYTES - 50)
        data = document(record(), prolog=f"<!-- {padding} -->\n<!DOCTYPE vooraanmeldingen>\n")
        self.assertLess(data.index(b"<!DOCTYPE"), xml_reader.CHUNK_BYTES)
        self.assertGreater(data.index(b"<!DOCTYPE") + 9, xml_reader.CHUNK_BYTES)
        self.assertRefused(data, rules.FILE_XML_UNSAFE)

    def test_a_doctype_the_byte_search_misses_is_refused_by_the_parser(self) -> None:
        with mock.patch.object(xml_reader, "_markers_for", return_value=()):
            self.assertRefused(EXTERNAL_ENTITY, rules.FILE_XML_UNSAFE)
            # libxml2 stops the expansion itself before there is a root to look at.
            finding = self.assertRefused(BILLION_LAUGHS, rules.FILE_XML_MALFORMED)
            self.assertIn("amplification", str(finding.values["detail"]))


class RecordTests(SimpleTestCase):
    def test_rows_come_with_their_position_line_and_values_stripped_of_white_space(self) -> None:
        data = document(record(), record(voornaam="  Bram\n "))
        first, second = rows_of(data)
        self.assertEqual((first.number, first.line), (1, 3))
        self.assertEqual((second.number, second.line), (2, 4))
        self.assertEqual(first.values, dict(GOOD))
        self.assertEqual(second.values[f.VOORNAAM], "Bram")
        self.assertEqual(second.findings, ())

    def test_a_no_break_space_is_part_of_the_value_as_the_schema_counts_it(self) -> None:
        row = row_of(record(voornaam="Bram\u00a0"))
        self.assertEqual(row.values[f.VOORNAAM], "Bram\u00a0")

    def test_an_element_left_out_is_absent_and_an_empty_one_is_empty(self) -> None:
        row = row_of(record(email=None, einddatum=""))
        self.assertNotIn(f.EMAIL, row.values)
        self.assertEqual(row.values[f.EINDDATUM], "")
        self.assertEqual(row.findings, ())

    def test_a_namespace_prefix_reads_the_same(self) -> None:
        prefixed = re.sub(r"<(/?)(\w+)>", r"<\1va:\2>", record())
        data = document(prefixed).replace(
            f'<vooraanmeldingen xmlns="{NS}">'.encode(),
            f'<va:vooraanmeldingen xmlns:va="{NS}">'.encode(),
        )
        data = data.replace(b"</vooraanmeldingen>", b"</va:vooraanmeldingen>")
        [row] = rows_of(data)
        self.assertEqual((row.values, row.findings), (dict(GOOD), ()))

    def test_comments_and_cdata_in_a_value_read_as_its_text(self) -> None:
        row = row_of(record(voornaam="X").replace(">X<", ">An<!-- nb -->na<![CDATA[ & co]]><"))
        self.assertEqual(row.values[f.VOORNAAM], "Anna & co")

    def test_a_bad_record_does_not_keep_the_good_one_out(self) -> None:
        misspelt = record().replace("voornaam>", "vornaam>")
        good, bad = rows_of(document(record(), misspelt))
        self.assertEqual(good.findings, ())
        self.assertEqual(check_structure(good).findings, [])
        self.assertEqual(bad.number, 2)
        self.assertEqual([finding.rule for finding in bad.findings], [rules.ROW_SCHEMA])
        self.assertIn("Bedoelt u <voornaam>?", details(bad)[0])


class RecordLayoutTests(SimpleTestCase):
    def test_an_unknown_element_is_named_with_the_closest_field(self) -> None:
        row = row_of(
            record().replace(
                "</vooraanmelding>", "<geboorteplaats>Ede</geboorteplaats></vooraanmelding>"
            )
        )
        [detail] = details(row)
        self.assertIn("<geboorteplaats>", detail)
        self.assertIn("Bedoelt u <geboortedatum>?", detail)

    def test_a_field_in_another_namespace_is_named_with_the_namespace(self) -> None:
        row = row_of(
            record(email=None).replace(
                "</vooraanmelding>", '<email xmlns="">a@b.nl</email></vooraanmelding>'
            )
        )
        self.assertIn(NS, details(row)[0])

    def test_a_repeated_element_is_reported_and_the_first_value_kept(self) -> None:
        row = row_of(
            record().replace("</achternaam>", "</achternaam><achternaam>Tweede</achternaam>")
        )
        self.assertEqual(row.values[f.ACHTERNAAM], GOOD[f.ACHTERNAAM])
        [finding] = row.findings
        self.assertEqual(finding.field, f.ACHTERNAAM)
        self.assertIn("twee keer", finding.message)

    def test_an_element_out_of_order_is_reported_with_where_it_belongs(self) -> None:
        moved = record(voornaam=None).replace(
            "</achternaam>", "</achternaam><voornaam>Anna</voornaam>"
        )
        [finding] = row_of(moved).findings
        self.assertEqual(finding.field, f.VOORNAAM)
        self.assertIn("vóór <achternaam>", finding.message)

    def test_every_layout_problem_of_a_record_is_reported_at_once(self) -> None:
        messy = (
            record()
            .replace("<vooraanmelding>", '<vooraanmelding id="7">')
            .replace("<voornaam>Anna</voornaam>", "<voornaam>An<b>n</b>a</voornaam>")
            .replace("</woonplaats>", "</woonplaats>los")
            .replace("</vooraanmelding>", "<foo/></vooraanmelding>")
        )
        found = " | ".join(details(row_of(messy)))
        for expected in ("attribuut id", "<voornaam> bevat een element", "‘los’", "<foo>"):
            self.assertIn(expected, found)

    def test_an_attribute_on_a_field_is_reported_on_that_field(self) -> None:
        row = row_of(record().replace("<postcode>", '<postcode land="nl">'))
        [finding] = row.findings
        self.assertEqual(finding.field, f.POSTCODE)
        self.assertIn("attribuut land", finding.message)

    def test_a_missing_required_element_is_left_to_structure_which_says_it_is_empty(self) -> None:
        row = row_of(record(voornaam=None))
        self.assertEqual(row.findings, ())
        self.assertEqual(
            [(finding.rule, finding.field) for finding in check_structure(row).findings],
            [(rules.REQUIRED, f.VOORNAAM)],
        )

    def test_a_schema_error_nothing_else_explains_is_passed_on(self) -> None:
        xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"'
        row = row_of(record().replace("<tussenvoegsel>", f"<tussenvoegsel {xsi}>"))
        [finding] = row.findings
        self.assertEqual(finding.rule, rules.ROW_SCHEMA)
        self.assertEqual(finding.field, f.TUSSENVOEGSEL)


class RecordValueTests(SimpleTestCase):
    def test_a_value_structure_refuses_is_reported_once_by_structure(self) -> None:
        row = row_of(record(studentnummer="S 1", huisnummer="12345678901"))
        self.assertEqual(row.findings, ())
        self.assertEqual(
            {finding.rule for finding in check_structure(row).findings},
            {rules.STUDENTNUMMER_FORMAT, rules.HUISNUMMER_FORMAT},
        )

    def test_a_date_written_day_first_is_refused_in_xml_with_the_form_to_use(self) -> None:
        row = row_of(record(geboortedatum="17-05-1990"))
        [finding] = row.findings
        self.assertEqual(finding.field, f.GEBOORTEDATUM)
        self.assertIn("1990-05-17", finding.message)

    def test_an_amount_with_a_decimal_comma_is_refused_in_xml_with_the_form_to_use(self) -> None:
        [finding] = row_of(record(subsidiebedrag="950,00")).findings
        self.assertEqual(finding.field, f.SUBSIDIEBEDRAG)
        self.assertIn("950.00", finding.message)

    def test_a_scholings_id_that_is_not_written_as_a_uuid_is_refused(self) -> None:
        odd = "3f2c1a9e7b4d4e8a9c1f2d3e4f5a6b7c----"
        row = row_of(record(scholings_id=odd))
        [finding] = structure.check_structure(row).findings
        self.assertEqual(finding.rule, rules.SCHOLINGS_ID_FORMAT)

    def test_an_empty_optional_date_is_not_a_value_error(self) -> None:
        row = row_of(record(einddatum="", studiejaar_begin=None, studiejaar_eind=None))
        self.assertEqual((row.findings, check_structure(row).findings), ((), []))


# --- Properties ---------------------------------------------------------------------------------

_XML_CHARACTERS = st.characters(
    exclude_categories=["Cs"],
    exclude_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
    "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)
_NEAR_MISSES = st.sampled_from(
    [
        "",
        " ",
        "\u00a0",
        "17-05-1990",
        "1990-5-17",
        "1990-02-30",
        "1990-05-17Z",
        "0000-01-01",
        "950,00",
        "950.001",
        "-1",
        "+950",
        ".5",
        "1.000,00",
        "1e3",
        "3F2C1A9E-7B4D-4E8A-9C1F-2D3E4F5A6B7C",
        "3f2c1a9e7b4d4e8a9c1f2d3e4f5a6b7c----",
        "{3f2c1a9e-7b4d-4e8a-9c1f-2d3e4f5a6b7}",
        "nl",
        "XX",
        "ß",
        "N L",
        "1234AB",
        "12a",
        "a@b",
        "@",
        "x" * 21,
        "x" * 81,
        "x" * 201,
        "x" * 255,
        "S2026001\u00a0",
        " S2026001 ",
    ]
)
_VALUES = st.one_of(_NEAR_MISSES, st.text(_XML_CHARACTERS, max_size=30))
_CHANGES = st.dictionaries(st.sampled_from(f.FIELDS), _VALUES, min_size=1, max_size=4)


def xsd_value_errors(xml_record: str) -> set[str]:
    """The fields whose value the XSD refuses in this record, validated on its own."""
    element = etree.fromstring(document(xml_record))[0]
    validator = xml_reader.schema()
    validator.validate(element)
    return {
        name
        for entry in validator.error_log
        if entry.type_name in xml_reader._VALUE_ERRORS
        and (name := xml_reader._direct_field(entry)) is not None
    }


def errors_on(findings: list[Finding]) -> set[str]:
    return {finding.field for finding in findings if finding.is_error}


def xml_is_stricter(name: str, value: str) -> bool:
    """Values the XSD refuses that ``structure`` lets in, on purpose or not (see the report):
    XML wants dates as YYYY-MM-DD and amounts with a point; ``structure`` reads any 32 hex digits
    as a UUID, and a country code after ``str.upper`` (so 'ß' becomes 'SS')."""
    value = value.strip(" \t\r\n")
    if name in xml_reader._DATE_FIELDS or name == f.SUBSIDIEBEDRAG:
        return (
            structure.parse_date(value) is not None
            if name != f.SUBSIDIEBEDRAG
            else structure.parse_amount(value) is not None
        )
    if name == f.SCHOLINGS_ID:
        return structure._uuid(value) is not None
    if name == f.LAND:
        return value.upper() in structure.COUNTRIES
    return False


class SchemaAgreementProperties(SimpleTestCase):
    @hypothesis_settings(max_examples=200, deadline=None)
    @given(_CHANGES)
    def test_a_value_the_xsd_refuses_is_refused_by_structure_on_the_same_field(
        self, changes: dict[str, str]
    ) -> None:
        xml_record = record(changes)
        refused_by_xsd = xsd_value_errors(xml_record)
        values = row_of(xml_record).values
        refused_by_structure = errors_on(
            check_structure(RawRow(number=1, line=1, values=values)).findings
        )
        for name in refused_by_xsd - refused_by_structure:
            self.assertTrue(xml_is_stricter(name, values[name]), (name, values[name]))

    @hypothesis_settings(max_examples=200, deadline=None)
    @given(_CHANGES)
    def test_no_value_the_xsd_refuses_goes_unreported(self, changes: dict[str, str]) -> None:
        xml_record = record(changes)
        row = row_of(xml_record)
        self.assertLessEqual(xsd_value_errors(xml_record), errors_on(check_structure(row).findings))


def _mutations() -> st.SearchStrategy[bytes]:
    example = document(
        record(), record(land="BE", postcode="1000"), header="<kop><aantal>2</aantal></kop>"
    )

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = bytearray(example)
        for _ in range(draw(st.integers(1, 4))):
            start = draw(st.integers(0, len(data)))
            end = draw(st.integers(start, min(len(data), start + 40)))
            kind = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
            if kind == "delete":
                del data[start:end]
            elif kind == "insert":
                data[start:start] = draw(
                    st.one_of(
                        st.binary(max_size=8),
                        st.sampled_from(
                            [b"<", b">", b"&", b"<!DOCTYPE x>", b"<x/>", b"</", b"]]>", b"\xff"]
                        ),
                    )
                )
            elif kind == "duplicate":
                data[start:start] = data[start:end]
            else:
                data[start:end] = draw(st.binary(min_size=end - start, max_size=end - start))
        return bytes(data)

    return mutated()


class NeverCrashesProperties(SimpleTestCase):
    def assertReadsOrRefuses(self, data: bytes) -> None:
        try:
            rows = rows_of(data, max_rows=5)
        except FileRefused as refused:
            self.assertIn(refused.finding.rule.id, rules.RULES)
            return
        for row in rows:
            self.assertTrue(all(isinstance(value, str) for value in row.values.values()))
            self.assertTrue(all(isinstance(finding, Finding) for finding in row.findings))
            check_structure(row)

    @hypothesis_settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=400))
    def test_arbitrary_bytes_are_read_or_refused(self, data: bytes) -> None:
        self.assertReadsOrRefuses(data)

    @hypothesis_settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(_mutations())
    def test_a_mutated_valid_document_is_read_or_refused(self, data: bytes) -> None:
        self.assertReadsOrRefuses(data)
