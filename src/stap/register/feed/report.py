"""The verwerkingsverslag of a feed: each item on its way through, and what it will say.

A ``Node`` collects the report lines of one item (opleiding, aangeboden opleiding or cohort):
INFO for what was done, FOUT for what is wrong, naming the element of the feed and how to fix
it. The register's ``ValidationError`` is translated field by field to those element names.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from stap.bulk.formats import ReportLine
from stap.bulk.models import ReportLevel
from stap.register.feed.parse import CohortItem, OfferItem, TrainingItem
from stap.register.feed.schema import ADDRESS_ELEMENTS, Problem
from stap.register.models import Provider
from stap.register.services import AddressInput, normalised_postcode

SUBJECT_FILE = "bestand"
SUBJECT_PROVIDER = "opleider"
SUBJECT_TRAINING = "opleiding"
SUBJECT_OFFER = "aangebodenOpleiding"
SUBJECT_COHORT = "startmoment"
SUBJECT_LOCATION = "locatie"


_Result = TypeVar("_Result")


@dataclass(eq=False, kw_only=True)
class Node:
    """One item on its way through: what the report will say about it."""

    subject: str
    own_key: str
    line: int | None
    problems: list[Problem]
    parent: "Node | None" = None
    lines: list[ReportLine] = field(default_factory=list)
    obj: Any = None  # the register row, once it exists
    code: str = ""

    @property
    def failed(self) -> bool:
        return any(line.level == ReportLevel.FOUT for line in self.lines)

    @property
    def usable(self) -> bool:
        return self.obj is not None and not self.failed

    def error(self, message: str, *, subject: str = "", line: int | None = None) -> None:
        self.lines.append(
            ReportLine(
                level=ReportLevel.FOUT,
                subject=subject or self.subject,
                own_key=self.own_key,
                code=self.code,
                message=message,
                line=line or self.line,
            )
        )

    def done(self, message: str) -> None:
        self.lines.append(
            ReportLine(
                level=ReportLevel.INFO,
                subject=self.subject,
                own_key=self.own_key,
                code=self.code,
                message=message,
                line=self.line,
            )
        )

    def report_problems(self) -> None:
        for problem in self.problems:
            subject = problem.subject or self.subject
            self.error(problem.message, subject=subject, line=problem.line)

    def refused(self, error: ValidationError, elements: dict[str, str]) -> None:
        """The register's refusal, field by field, under the element names of the feed."""
        for name, messages in errors_by_field(error).items():
            if name in ADDRESS_ELEMENTS:
                element, subject = ADDRESS_ELEMENTS[name], SUBJECT_LOCATION
            else:
                element, subject = elements.get(name, ""), self.subject
            for message in messages:
                if element:
                    self.error(f"<{element}>: {message}", subject=subject)
                else:
                    self.error(_("Het register weigert dit onderdeel: %s") % message)

    def skip_under(self, parent: "Node", parent_name: str) -> None:
        self.error(
            _(
                "Niet verwerkt, omdat %(parent)s met eigen sleutel '%(key)s' niet verwerkt kon "
                "worden (zie daar). Herstel dat en stuur het bestand opnieuw."
            )
            % {"parent": parent_name, "key": parent.own_key}
        )
        self.report_problems()


@dataclass(eq=False, kw_only=True)
class TrainingNode(Node):
    item: TrainingItem
    provider: Provider | None = None


@dataclass(eq=False, kw_only=True)
class OfferNode(Node):
    item: OfferItem


@dataclass(eq=False, kw_only=True)
class CohortNode(Node):
    item: CohortItem


def errors_by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(message) for message in error.messages]}


def refused_by_database() -> str:
    """A change the database refused although the model rules passed: a race with another
    change of the same row (two uploads, or an upload and the portal)."""
    return _(
        "Het register weigert dit onderdeel, waarschijnlijk omdat het tegelijk door een andere "
        "aanlevering is gewijzigd. Stuur het bestand opnieuw."
    )


def attempt(node: Node, elements: dict[str, str], write: Callable[[], _Result]) -> _Result | None:
    """One item's change in its own transaction; a refusal is reported on the item."""
    try:
        with transaction.atomic():
            return write()
    except ValidationError as error:
        node.refused(error, elements)
    except IntegrityError:
        node.error(refused_by_database())
    return None


def changes_of(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(instance, name) != value}


def element_list(names: Sequence[str], elements: dict[str, str]) -> str:
    return ", ".join(f"<{elements.get(name, name)}>" for name in names)


def address_text(address: AddressInput | None) -> str:
    if address is None:
        return _("online (geen locatie)")
    addition = f"-{address.house_number_addition}" if address.house_number_addition else ""
    return f"{address.street} {address.house_number}{addition}, {address.postcode} {address.city}"


def normalised_address(value: AddressInput | None) -> AddressInput | None:
    """The address as the register will store it (``services._address`` does the same)."""
    if value is None:
        return None
    return AddressInput(
        street=value.street.strip(),
        house_number=value.house_number.strip(),
        house_number_addition=value.house_number_addition.strip(),
        postcode=normalised_postcode(value.postcode),
        city=value.city.strip(),
    )
