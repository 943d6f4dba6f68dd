"""Checks on an uploaded signed form: plain PDFs pass, anything else is refused, never crashes."""

import contextlib
import io
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    TextStringObject,
)

from stap.identity.signed_pdf import (
    MAX_BYTES,
    RAW_SCRIPT,
    SignedPdfRefused,
    check_signed_pdf,
)


def written_pdf(pages: int = 1, change: Callable[[PdfWriter], object] | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if change is not None:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def raw_pdf(page_entries: bytes = b"", *more_objects: bytes) -> bytes:
    """A one-page PDF written by hand, for what pypdf's writer will not write."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_entries + b" >>",
        *more_objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        start,
    )
    return bytes(out)


def name(value: str) -> NameObject:
    return NameObject(value)


def refusal(data: bytes, filename: str = "formulier.pdf") -> SignedPdfRefused:
    with pytest.raises(SignedPdfRefused) as refused:
        check_signed_pdf(data, filename=filename)
    return refused.value


def set_open_action(
    action: PdfObject | Callable[[IndirectObject | None], PdfObject],
) -> Callable[[PdfWriter], None]:
    """A change that sets the /OpenAction: ``action`` itself, or made for the first page."""

    def change(writer: PdfWriter) -> None:
        first_page = writer.pages[0].indirect_reference
        value = action if isinstance(action, PdfObject) else action(first_page)
        writer.root_object[name("/OpenAction")] = value

    return change


# Accepted


def test_a_plain_pdf_is_accepted() -> None:
    check_signed_pdf(written_pdf(), filename="formulier.pdf")


def test_a_hand_written_plain_pdf_is_accepted() -> None:
    check_signed_pdf(raw_pdf(), filename="formulier.pdf")


def test_a_pdf_with_a_link_to_a_website_is_accepted() -> None:
    def add_link(writer: PdfWriter) -> None:
        writer.add_uri(0, "https://duo.nl/", RectangleObject([10, 10, 100, 30]))

    check_signed_pdf(written_pdf(change=add_link), filename="formulier.pdf")


def test_a_pdf_that_opens_on_its_first_page_is_accepted() -> None:
    fit = set_open_action(lambda page: ArrayObject([page, name("/Fit")]))
    go_to = set_open_action(
        lambda page: DictionaryObject(
            {name("/S"): name("/GoTo"), name("/D"): ArrayObject([page, name("/Fit")])}
        )
    )

    check_signed_pdf(written_pdf(change=fit), filename="formulier.pdf")
    check_signed_pdf(written_pdf(change=go_to), filename="formulier.pdf")


def test_twenty_pages_are_accepted() -> None:
    check_signed_pdf(written_pdf(pages=20), filename="formulier.pdf")


def test_a_header_after_some_leading_bytes_is_accepted() -> None:
    check_signed_pdf(b"\0" * 500 + raw_pdf(), filename="formulier.pdf")


def test_a_loop_of_references_is_walked_once_and_accepted() -> None:
    data = raw_pdf(b"/Loop 4 0 R", b"<< /Next 5 0 R >>", b"<< /Next 4 0 R /Self 5 0 R >>")

    check_signed_pdf(data, filename="formulier.pdf")


# Active content


def test_a_pdf_with_document_level_javascript_is_refused() -> None:
    def add_script(writer: PdfWriter) -> None:
        writer.add_open_action(JavaScript("app.alert('hallo');"))

    assert refusal(written_pdf(change=add_script)).code == "scripts"


def test_a_pdf_with_javascript_in_an_open_action_is_refused() -> None:
    script = DictionaryObject(
        {name("/S"): name("/JavaScript"), name("/JS"): TextStringObject("app.alert(1)")}
    )

    assert refusal(written_pdf(change=set_open_action(script))).code == "scripts"


def test_an_open_action_that_is_not_a_plain_goto_is_refused() -> None:
    web = DictionaryObject({name("/S"): name("/URI"), name("/URI"): TextStringObject("https://x")})
    chained = set_open_action(
        lambda page: DictionaryObject(
            {
                name("/S"): name("/GoTo"),
                name("/D"): ArrayObject([page, name("/Fit")]),
                name("/Next"): web,
            }
        )
    )

    assert refusal(written_pdf(change=set_open_action(web))).code == "scripts"
    assert refusal(written_pdf(change=chained)).code == "scripts"


def test_a_hex_escaped_javascript_key_is_refused_by_the_structural_walk() -> None:
    data = raw_pdf(
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10]"
        b" /A << /S /J#61vaScript /J#53 (app.alert(1)) >> >>]"
    )

    assert RAW_SCRIPT.search(data) is None
    assert refusal(data).code == "scripts"


def test_a_launch_annotation_is_refused() -> None:
    def add_launch(writer: PdfWriter) -> None:
        launch = DictionaryObject(
            {name("/S"): name("/Launch"), name("/F"): TextStringObject("calc.exe")}
        )
        rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)])
        annotation = DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Link"),
                name("/Rect"): rect,
                name("/A"): launch,
            }
        )
        writer.add_annotation(0, annotation)

    data = written_pdf(change=add_launch)

    assert RAW_SCRIPT.search(data) is None
    assert refusal(data).code == "scripts"


def test_an_embedded_file_is_refused() -> None:
    def attach(writer: PdfWriter) -> None:
        writer.add_attachment("virus.exe", b"MZ")

    assert refusal(written_pdf(change=attach)).code == "scripts"


@pytest.mark.parametrize(
    "entries",
    [
        b"/AA << /O << /S /Named /N /Print >> >>",
        b"/Annots [<< /Subtype /RichMedia /Rect [0 0 1 1] >>]",
        b"/XFA (form)",
        b"/Annots [<< /Subtype /Widget /Rect [0 0 1 1] /A << /S /SubmitForm >> >>]",
        b"/Annots [<< /Subtype /Widget /Rect [0 0 1 1] /A << /S /ImportData >> >>]",
        b"/JS (app.alert(1))",
    ],
)
def test_other_active_content_is_refused(entries: bytes) -> None:
    assert refusal(raw_pdf(entries)).code == "scripts"


def test_javascript_in_an_object_nothing_points_to_is_refused() -> None:
    data = raw_pdf(b"", b"<< /S /JavaScript /JS (app.alert(1)) >>")

    assert refusal(data).code == "scripts"


def test_a_name_that_only_starts_with_js_is_not_taken_for_a_script() -> None:
    check_signed_pdf(raw_pdf(b"/JSON (geen script)"), filename="formulier.pdf")


# Not a usable PDF


@pytest.mark.parametrize(
    "change",
    [
        lambda writer: writer.encrypt("geheim"),
        lambda writer: writer.encrypt(user_password="", owner_password="eigenaar"),
    ],
)
def test_an_encrypted_pdf_is_refused(change: Callable[[PdfWriter], object]) -> None:
    assert refusal(written_pdf(change=change)).code == "encrypted"


def test_a_png_renamed_to_pdf_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 100

    assert refusal(png, "scan.pdf").code == "not_pdf"


def test_a_header_beyond_the_first_1024_bytes_is_refused() -> None:
    assert refusal(b"\0" * 1024 + raw_pdf()).code == "not_pdf"


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"").code == "empty"


def test_a_file_of_more_than_5_mb_is_refused() -> None:
    data = raw_pdf()
    padded = data + b"%" + b" " * (MAX_BYTES - len(data))

    assert len(padded) == MAX_BYTES + 1
    assert refusal(padded).code == "too_large"


def test_a_truncated_pdf_is_refused_as_unreadable() -> None:
    data = written_pdf()

    assert refusal(data[: len(data) // 2]).code == "unreadable"
    assert refusal(data[:-20]).code == "unreadable"


def test_a_pdf_without_pages_is_refused_as_unreadable() -> None:
    assert refusal(written_pdf(pages=0)).code == "unreadable"


def test_more_than_20_pages_are_refused() -> None:
    assert refusal(written_pdf(pages=21)).code == "too_many_pages"


def test_a_pdf_with_more_objects_than_any_form_needs_is_refused_as_unreadable() -> None:
    def add_arrays(writer: PdfWriter) -> None:
        for key in ("/A1", "/A2", "/A3"):  # pypdf itself refuses one array this long
            writer.pages[0][name(key)] = ArrayObject([ArrayObject()] * 40_000)

    assert refusal(written_pdf(change=add_arrays)).code == "unreadable"


def test_many_numbers_do_not_count_against_the_object_budget() -> None:
    def add_widths(writer: PdfWriter) -> None:
        for key in ("/W1", "/W2", "/W3"):
            writer.pages[0][name(key)] = ArrayObject([NumberObject(500)] * 40_000)

    check_signed_pdf(written_pdf(change=add_widths), filename="formulier.pdf")


def test_deeply_nested_arrays_are_refused_not_crashed() -> None:
    depth = 100_000

    assert refusal(raw_pdf(b"/Deep " + b"[" * depth + b"]" * depth)).code == "unreadable"


# Messages


def test_the_message_names_the_file_without_its_folders_and_says_how_to_fix_it() -> None:
    message = str(refusal(b"", "C:\\Users\\jan\\Documenten\\scan.pdf"))

    assert "scan.pdf" in message
    assert "Documenten" not in message
    assert "Kies het PDF-bestand" in message


def test_the_size_message_says_how_to_make_the_file_smaller() -> None:
    message = str(refusal(b"%PDF-1.7\n" + b" " * MAX_BYTES))

    assert "groter dan 5 MB" in message
    assert "lagere resolutie" in message


# Anything else: only ever a refusal


def only_refused(data: bytes) -> None:
    with contextlib.suppress(SignedPdfRefused):
        check_signed_pdf(data, filename="fuzz.pdf")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_only_ever_refused(data: bytes) -> None:
    only_refused(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_after_a_pdf_header_are_only_ever_refused(data: bytes) -> None:
    only_refused(b"%PDF-1.7\n" + data)


VALID = raw_pdf(b"/Annots [<< /Subtype /Link /Rect [0 0 1 1] >>]", b"<< /Next 4 0 R >>")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8))
def test_a_damaged_pdf_is_accepted_or_refused_but_never_crashes(
    damage: list[tuple[int, int]],
) -> None:
    data = bytearray(VALID)
    for position, value in damage:
        data[position] = value
    only_refused(bytes(data))
