"""A small valid PDF, as a signed form or any upload that must pass the PDF checks."""

import io

from pypdf import PdfWriter


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
