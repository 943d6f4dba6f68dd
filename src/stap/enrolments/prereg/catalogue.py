"""The published rule catalogue (``docs/formats/rules.md``), written from ``rules.RULES``.

``stap rules_catalogue`` writes it; a test fails when the file and the code differ, so the
catalogue a provider reads is always the one the checks use.
"""

import re
from collections.abc import Iterator

from django.utils import translation

from stap.enrolments.prereg.rules import RULES, Rule, Severity, Stage

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
STAGES = {
    Stage.FILE: "Het bestand als geheel / The file as a whole",
    Stage.STRUCTURE: "Structuur van een regel / Structure of a row",
    Stage.CONTENT: "Inhoud van een regel, tegen het Scholingsregister / Content of a row",
}
SEVERITIES = {Severity.FOUT: "fout", Severity.WAARSCHUWING: "waarschuwing"}


def _shown(text: object) -> str:
    """A message as a Markdown table cell: its values named, and &, < and | escaped."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
    return _PLACEHOLDER.sub(r"‹\1›", escaped)


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return _shown(text)


def _row(rule: Rule) -> str:
    cells = [
        f"`{rule.id}`",
        SEVERITIES[rule.severity],
        f"`{rule.field}`" if rule.field else "",
        f"{_in('nl', rule.message)}<br>*{_in('en', rule.message)}*",
        f"{_in('nl', rule.hint)}<br>*{_in('en', rule.hint)}*",
    ]
    return "| " + " | ".join(cells) + " |"


def catalogue() -> str:
    return "\n".join(_lines()) + "\n"


def _lines() -> Iterator[str]:
    yield "# Regelcatalogus vooraanmeldingen / Rule catalogue"
    yield ""
    yield (
        "Generated from `src/stap/enrolments/prereg/rules.py` by `stap rules_catalogue`; do not "
        "edit by hand. Every check of a vooraanmeldingen file, with its stable id. A **fout** "
        "keeps the row (or the file) out; a **waarschuwing** lets the row in and asks you to "
        "look. ‹name› stands for a value the message fills in. The format itself is described "
        "in [vooraanmeldingen.md](vooraanmeldingen.md)."
    )
    for stage, title in STAGES.items():
        yield ""
        yield f"## {title}"
        yield ""
        yield "| Regel | Ernst | Veld | Melding / Message | Zo herstelt u het / How to fix it |"
        yield "|---|---|---|---|---|"
        for rule in sorted(RULES.values(), key=lambda rule: rule.id):
            if rule.stage == stage:
                yield _row(rule)
