"""The look of the PDFs the product makes (A4 forms, proofs and letters): one font, a few
styles, and the A4 page with its footer.

Bitstream Vera ships with reportlab and, unlike Helvetica, has letters such as Ł, Ş and č.
Everything a person typed is escaped (``plain``): reportlab's Paragraph reads markup.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import registerFont, registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

registerFont(TTFont("Vera", "Vera.ttf"))
registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera", boldItalic="Vera-Bold")
_SAMPLE = getSampleStyleSheet()

BODY = ParagraphStyle("StapBody", parent=_SAMPLE["BodyText"], fontName="Vera")
SECTION = ParagraphStyle("StapSection", parent=_SAMPLE["Heading3"], fontName="Vera-Bold")
TITLE = ParagraphStyle("StapTitle", parent=_SAMPLE["Title"], fontName="Vera-Bold")
# A reference or code that must stand out (a kenmerk, a verification code).
PROMINENT = ParagraphStyle(
    "StapProminent", parent=_SAMPLE["Heading2"], fontName="Vera-Bold", fontSize=16, leading=20
)


def _grid(shaded: tuple[tuple[int, int], tuple[int, int]]) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", shaded[0], shaded[1], colors.whitesmoke),
        ]
    )


LABELS_IN_FIRST_COLUMN = _grid(((0, 0), (0, -1)))
LABELS_IN_FIRST_ROW = _grid(((0, 0), (-1, 0)))


def plain(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text: markup in ``text`` is shown, not obeyed."""
    return Paragraph(escape(text), style)


def label_rows(rows: list[tuple[str, str]]) -> Table:
    """Label and value side by side, one row each."""
    cells = [[plain(label), plain(value)] for label, value in rows]
    table = Table(cells, colWidths=[5 * cm, 12 * cm])
    table.setStyle(LABELS_IN_FIRST_COLUMN)
    return table


def a4_pdf(story: list[Flowable], *, title: str, author: str, subject: str, footer: str) -> bytes:
    """``story`` on A4 pages with 2 cm margins, ``footer`` and the page number at the bottom."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        subject=subject,
        creator="STAP-portaal",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )

    def draw_footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.setFont("Vera", 8)
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"pagina {doc.page}")

    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
