"""The look of the PDFs the product makes (A4 forms and proofs): one font and a few styles.

Bitstream Vera ships with reportlab and, unlike Helvetica, has letters such as Ł, Ş and č.
"""

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase.pdfmetrics import registerFont, registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

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
