"""What the CSV and XML readers hand on: the rows of a file as text, or a refusal of the file.

A reader checks only what it must to find the rows: the file as a whole (size, encoding, header,
safe XML) and how each row is laid out (the number of cells, the XML schema's structure). The
values themselves are checked by ``structure`` (the same for both formats, so a CSV and an XML
file with the same mistake get the same rule and message) and then against the register by
``content``.
"""

from dataclasses import dataclass, field

from stap.core.errors import DomainError
from stap.enrolments.prereg.rules import Finding


@dataclass(frozen=True, slots=True)
class RawRow:
    """One vooraanmelding as text.

    ``number`` is how the provider finds the row: in a CSV file the row as a spreadsheet numbers
    it (the header is row 1, so the first vooraanmelding is row 2, whatever newlines a quoted
    cell holds); in an XML file the position of the <vooraanmelding> (the first is 1).
    ``line`` is the line in the file where the row starts. ``values`` holds every field the file
    has a column or element for, stripped of surrounding spaces ("" when empty); fields the file
    leaves out altogether are absent. ``findings`` are problems with the row's layout that the
    reader found (VA-001, VA-002).
    """

    number: int
    line: int
    values: dict[str, str]
    findings: tuple[Finding, ...] = field(default=())


class FileRefused(DomainError):
    """The file as a whole cannot be read: nothing in it is used. ``finding`` names the rule."""

    code = "prereg_file_refused"

    def __init__(self, finding: Finding) -> None:
        super().__init__(f"{finding.message} {finding.hint}", code=finding.rule.id)
        self.finding = finding
