"""Writing a scholingsaanbod feed to the register, item by item, with a verwerkingsverslag.

Every opleiding, aangeboden opleiding and cohort in the file is one item. Items are matched by
the provider's own keys under the provider of the signed-in organisation (never another KvK):
an unknown key is created, a known one updated, an unchanged one left alone, so sending a file
again never duplicates anything. Each item is written in its own transaction together with its
audit entry: a bad item writes nothing and the good ones land. An item whose parent could not be
processed is not processed either, and the report says so.

Updates go through the register's services (``training_update``, ``offer_update``,
``cohort_update``, ``cohort_price_change`` — which keeps the price history — and
``cohort_close``/``cohort_open``). New items are validated one by one with the same model rules
and then written in bulk (``stap.register.feed.writes``), which is what makes a first feed of
ten thousand offers fast; if the database still refuses a batch, its items are written one by
one through ``training_register``, ``offer_register`` and ``cohort_add``.
"""

import functools
from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.utils.translation import gettext as _

from stap.bulk.formats import BulkFormat, ItemSink, ReportLine
from stap.bulk.models import ReportLevel
from stap.core.audit import Actor
from stap.core.money import format_euros
from stap.identity.models import Organisation
from stap.register.feed import writes
from stap.register.feed.parse import (
    MAX_BYTES,
    Feed,
    TrainingItem,
    count_items,
    parse_feed,
)
from stap.register.feed.report import (
    SUBJECT_COHORT,
    SUBJECT_FILE,
    SUBJECT_OFFER,
    SUBJECT_PROVIDER,
    SUBJECT_TRAINING,
    CohortNode,
    Node,
    OfferNode,
    TrainingNode,
    address_text,
    attempt,
    changes_of,
    element_list,
    normalised_address,
)
from stap.register.feed.schema import (
    COHORT_ELEMENTS,
    OFFER_ELEMENTS,
    TRAINING_ELEMENTS,
)
from stap.register.models import Cohort, Offer, Provider, Training
from stap.register.services import (
    AddressInput,
    cohort_close,
    cohort_open,
    cohort_price_change,
    cohort_update,
    offer_update,
    training_update,
)
from stap.register.values import CohortStatus

# Items are planned and written per chunk of about this many, so that existing rows are fetched
# in a few queries and new ones inserted in a few statements.
CHUNK_ITEMS = 2000


_N = TypeVar("_N", bound=Node)


def _to_write(nodes: Sequence[_N], *, under: str) -> Iterator[_N]:
    """The nodes that can be written. The others are reported as they pass: under a parent that
    could not be written (``under`` names it), or with problems of their own."""
    for node in nodes:
        parent = node.parent
        assert parent is not None
        if not parent.usable:
            node.skip_under(parent, under)
        elif node.failed or node.problems:
            node.report_problems()
        else:
            yield node


class FeedWriter:
    """Writes one parsed feed for one organisation, reporting every item to a sink."""

    def __init__(self, *, organisation: Organisation, actor: Actor, bulk: bool = True) -> None:
        self.organisation = organisation
        self.actor = actor
        self.bulk = bulk
        self.providers = {provider.code: provider for provider in organisation.providers.all()}
        # (provider id, own key) -> line of its first occurrence in the file
        self.seen_trainings: dict[tuple[int, str], int | None] = {}
        self.seen_offers: dict[tuple[int, str], int | None] = {}

    def write(self, feed: Feed, sink: ItemSink) -> None:
        for chunk in _chunks(feed.trainings, CHUNK_ITEMS):
            trainings: list[TrainingNode] = []
            offers: list[OfferNode] = []
            cohorts: list[CohortNode] = []
            in_file_order = self._nodes(chunk, trainings, offers, cohorts)
            # Level by level, so that every parent exists before its children are written.
            self._trainings(trainings)
            self._offers(offers)
            self._cohorts(cohorts)
            for node in in_file_order:
                sink.item(node.lines)

    # --- Building the nodes: provider, duplicates and the parser's problems ----------------------

    def _nodes(
        self,
        chunk: list[TrainingItem],
        trainings: list[TrainingNode],
        offers: list[OfferNode],
        cohorts: list[CohortNode],
    ) -> list[Node]:
        in_file_order: list[Node] = []
        for item in chunk:
            training = TrainingNode(
                subject=SUBJECT_TRAINING,
                own_key=item.own_key,
                line=item.line,
                problems=item.problems,
                item=item,
            )
            trainings.append(training)
            in_file_order.append(training)
            training.provider = self._provider(training)
            if training.provider is not None and item.own_key:
                self._once(training, self.seen_trainings, (training.provider.pk, item.own_key))
            for offer_item in item.offers:
                offer = OfferNode(
                    subject=SUBJECT_OFFER,
                    own_key=offer_item.own_key,
                    line=offer_item.line,
                    problems=offer_item.problems,
                    parent=training,
                    item=offer_item,
                )
                offers.append(offer)
                in_file_order.append(offer)
                if training.provider is not None and offer_item.own_key:
                    self._once(offer, self.seen_offers, (training.provider.pk, offer_item.own_key))
                codes: dict[tuple[int, str], int | None] = {}
                for cohort_item in offer_item.cohorts:
                    cohort = CohortNode(
                        subject=SUBJECT_COHORT,
                        own_key=f"{offer_item.own_key} / {cohort_item.code}",
                        code=cohort_item.code,
                        line=cohort_item.line,
                        problems=cohort_item.problems,
                        parent=offer,
                        item=cohort_item,
                    )
                    cohorts.append(cohort)
                    in_file_order.append(cohort)
                    if cohort_item.code:
                        self._once(cohort, codes, (0, cohort_item.code))
        return in_file_order

    def _once(
        self, node: Node, seen: dict[tuple[int, str], int | None], key: tuple[int, str]
    ) -> None:
        if key in seen:
            node.error(
                _(
                    "De eigen sleutel '%(key)s' staat al eerder in het bestand (regel %(line)s). "
                    "Een onderdeel mag maar één keer in een bestand staan."
                )
                % {"key": key[1], "line": seen[key] or "?"}
            )
        else:
            seen[key] = node.line

    def _provider(self, node: TrainingNode) -> Provider | None:
        item = node.item
        kvk_number = self.organisation.kvk_number
        if item.kvk_number and item.kvk_number != kvk_number:
            node.error(
                _(
                    "Dit onderdeel noemt KvK-nummer %(named)s, maar u levert aan voor KvK-nummer "
                    "%(own)s. U kunt alleen aanbod van uw eigen organisatie aanleveren; laat "
                    "<kvkNummer> weg of vul %(own)s in."
                )
                % {"named": item.kvk_number, "own": kvk_number},
                subject=SUBJECT_PROVIDER,
            )
            return None
        if item.provider_code:
            provider = self.providers.get(item.provider_code)
            if provider is None:
                node.error(
                    _(
                        "Opleider-id %(code)s hoort niet bij uw organisatie (KvK-nummer "
                        "%(kvk)s). Gebruik een van uw eigen opleider-id's: %(own)s."
                    )
                    % {
                        "code": item.provider_code,
                        "kvk": kvk_number,
                        "own": ", ".join(sorted(self.providers)) or "-",
                    },
                    subject=SUBJECT_PROVIDER,
                )
            return provider
        if len(self.providers) == 1:
            return next(iter(self.providers.values()))
        if not self.providers:
            node.error(
                _(
                    "Uw organisatie (KvK-nummer %(kvk)s) staat nog niet als opleider in het "
                    "register. Vraag DUO om uw organisatie als opleider te registreren."
                )
                % {"kvk": kvk_number},
                subject=SUBJECT_PROVIDER,
            )
        else:
            node.error(
                _(
                    "Uw organisatie heeft meer dan één opleider in het register. Vul bij elke "
                    "opleiding <opleiderId> in: %(own)s."
                )
                % {"own": ", ".join(sorted(self.providers))},
                subject=SUBJECT_PROVIDER,
            )
        return None

    # --- Opleidingen ---------------------------------------------------------------------------

    def _trainings(self, nodes: list[TrainingNode]) -> None:
        keys = {(node.provider.pk, node.own_key) for node in nodes if node.provider is not None}
        existing = {
            (training.provider_id, training.own_key): training
            for training in Training.objects.filter(
                provider__in={provider for provider, _key in keys},
                own_key__in={key for _provider, key in keys},
            )
        }
        creates: list[tuple[TrainingNode, Training]] = []
        for node in nodes:
            if node.failed or node.problems:
                node.report_problems()
                continue
            values = node.item.values
            assert values is not None and node.provider is not None
            fields = writes.training_fields(values)
            training = existing.get((node.provider.pk, node.own_key))
            if training is None:
                new = writes.training_new(node.provider, node.own_key, fields)
                error = writes.invalid(new, exclude=["code"])
                if error is not None:
                    node.refused(error, TRAINING_ELEMENTS)
                else:
                    creates.append((node, new))
                continue
            node.obj, node.code = training, training.code
            changes = changes_of(training, fields)
            if not changes:
                node.done(_("Opleiding ongewijzigd."))
                continue
            updated = attempt(
                node,
                TRAINING_ELEMENTS,
                functools.partial(training_update, actor=self.actor, training=training, **changes),
            )
            if updated is not None:
                node.obj = updated
                node.done(
                    _("Opleiding bijgewerkt: %(elements)s.")
                    % {"elements": element_list(list(changes), TRAINING_ELEMENTS)}
                )
        created = writes.trainings_create(
            [new for _node, new in creates],
            actor=self.actor,
            kvk_number=self.organisation.kvk_number,
            bulk=self.bulk,
        )
        for (node, _new), (training, error) in zip(creates, created, strict=True):
            if error is not None:
                node.refused(error, TRAINING_ELEMENTS)
                continue
            node.obj, node.code = training, training.code
            node.done(_("Opleiding aangemaakt met opleidingscode %s.") % training.code)

    # --- Aangeboden opleidingen ------------------------------------------------------------------

    def _offers(self, nodes: list[OfferNode]) -> None:
        keys = {
            (node.parent.obj.provider_id, node.own_key)
            for node in nodes
            if node.parent is not None and node.parent.usable
        }
        existing = {
            (offer.provider_id, offer.own_key): offer
            for offer in Offer.objects.filter(
                provider_id__in={provider for provider, _key in keys},
                own_key__in={key for _provider, key in keys},
            ).select_related("address")
        }
        creates: list[tuple[OfferNode, Offer]] = []
        moved: list[tuple[OfferNode, Offer]] = []
        for node in _to_write(nodes, under=_("de opleiding")):
            values = node.item.values
            assert values is not None and node.parent is not None
            training: Training = node.parent.obj
            address = normalised_address(values.address)
            offer = existing.get((training.provider_id, node.own_key))
            if offer is None:
                new, error = writes.offer_new(training, node.own_key, values, address)
                if error is not None:
                    node.refused(error, OFFER_ELEMENTS)
                else:
                    creates.append((node, new))
                continue
            node.obj, node.code = offer, str(offer.scholings_id)
            if offer.training_id != training.pk:
                moved.append((node, offer))
                continue
            self._offer_update(
                node, offer, values.language, values.stap_permission, values.website, address
            )
        self._moved(moved)
        created = writes.offers_create(
            [new for _node, new in creates],
            actor=self.actor,
            kvk_number=self.organisation.kvk_number,
            bulk=self.bulk,
        )
        for (node, _new), (offer, error) in zip(creates, created, strict=True):
            if error is not None:
                node.refused(error, OFFER_ELEMENTS)
                continue
            node.obj, node.code = offer, str(offer.scholings_id)
            node.done(
                _("Aangeboden opleiding aangemaakt met scholings-ID %(id)s; locatie: %(place)s.")
                % {"id": offer.scholings_id, "place": address_text(writes.address_input(offer))}
            )

    def _moved(self, moved: list[tuple[OfferNode, Offer]]) -> None:
        """Refuse offers that are under another training in the register (one query for the
        codes of those trainings)."""
        if not moved:
            return
        codes = dict(
            Training.objects.filter(
                pk__in={offer.training_id for _node, offer in moved}
            ).values_list("pk", "code")
        )
        for node, offer in moved:
            node.error(
                _(
                    "Deze aangeboden opleiding hoort in het register bij een andere opleiding "
                    "(opleidingscode %(code)s). Een aangeboden opleiding verhuist niet naar "
                    "een andere opleiding: geef haar een nieuwe eigen sleutel, of zet haar "
                    "terug onder de opleiding waar ze bij hoort."
                )
                % {"code": codes.get(offer.training_id, "?")}
            )

    def _offer_update(
        self,
        node: OfferNode,
        offer: Offer,
        language: str,
        stap_permission: str,
        website: str,
        address: AddressInput | None,
    ) -> None:
        changes = changes_of(
            offer,
            {"language": language, "stap_permission": stap_permission, "website": website},
        )
        moved = writes.address_input(offer) != address
        if not changes and not moved:
            node.done(_("Aangeboden opleiding ongewijzigd."))
            return
        updated = attempt(
            node,
            OFFER_ELEMENTS,
            functools.partial(
                offer_update,
                actor=self.actor,
                offer=offer,
                address=address if moved else False,
                **changes,
            ),
        )
        if updated is not None:
            node.obj = updated
            names = [*changes, *(["address"] if moved else [])]
            node.done(
                _("Aangeboden opleiding bijgewerkt: %(elements)s.")
                % {"elements": element_list(names, OFFER_ELEMENTS)}
            )

    # --- Cohorten ------------------------------------------------------------------------------

    def _cohorts(self, nodes: list[CohortNode]) -> None:
        offer_ids = {
            node.parent.obj.pk for node in nodes if node.parent is not None and node.parent.usable
        }
        existing = {
            (cohort.offer_id, cohort.code): cohort
            for cohort in Cohort.objects.filter(offer_id__in=offer_ids)
        }
        creates: list[tuple[CohortNode, Cohort]] = []
        for node in _to_write(nodes, under=_("de aangeboden opleiding")):
            values = node.item.values
            assert values is not None and node.parent is not None
            offer: Offer = node.parent.obj
            elements = _cohort_elements(values.intake_end is not None)
            cohort = existing.get((offer.pk, node.item.code))
            if cohort is None:
                new = writes.cohort_new(offer, node.item.code, values)
                error = writes.invalid(new)
                if error is not None:
                    node.refused(error, elements)
                else:
                    creates.append((node, new))
                continue
            node.obj = cohort
            self._cohort_update(node, cohort, elements)
        created = writes.cohorts_create(
            [new for _node, new in creates],
            actor=self.actor,
            kvk_number=self.organisation.kvk_number,
            bulk=self.bulk,
        )
        for (node, _new), (cohort, error) in zip(creates, created, strict=True):
            values = node.item.values
            assert values is not None
            if error is not None:
                node.refused(error, _cohort_elements(values.intake_end is not None))
                continue
            node.obj = cohort
            node.done(
                _(
                    "Startmoment aangemaakt: start %(start)s, totale verplichte kosten %(total)s, "
                    "subsidieerbaar %(subsidisable)s."
                )
                % {
                    "start": f"{cohort.start_date:%d-%m-%Y}",
                    "total": format_euros(cohort.total_price),
                    "subsidisable": format_euros(cohort.subsidisable_amount),
                }
            )

    def _cohort_update(self, node: CohortNode, cohort: Cohort, elements: dict[str, str]) -> None:
        values = node.item.values
        assert values is not None
        changes = changes_of(cohort, writes.cohort_fields(values))
        prices = (values.total_price, values.subsidisable_amount)
        reprice = prices != (cohort.total_price, cohort.subsidisable_amount)
        status_change = values.status != cohort.status
        if not changes and not reprice and not status_change:
            node.done(_("Startmoment ongewijzigd."))
            return
        before = (cohort.total_price, cohort.subsidisable_amount)

        def write() -> Cohort:
            current = cohort
            if changes:
                current = cohort_update(actor=self.actor, cohort=current, **changes)
            if reprice:
                current = cohort_price_change(
                    actor=self.actor,
                    cohort=current,
                    total_price=values.total_price,
                    subsidisable_amount=values.subsidisable_amount,
                )
            if status_change:
                change = cohort_close if values.status == CohortStatus.CLOSED else cohort_open
                current = change(actor=self.actor, cohort=current)
            return current

        updated = attempt(node, elements, write)
        if updated is None:
            return
        node.obj = updated
        parts = []
        if changes:
            parts.append(element_list(list(changes), elements))
        if reprice:
            parts.append(
                _(
                    "prijs van %(old_total)s (subsidieerbaar %(old_sub)s) naar %(total)s "
                    "(subsidieerbaar %(sub)s); de oude prijs blijft in de prijshistorie"
                )
                % {
                    "old_total": format_euros(before[0]),
                    "old_sub": format_euros(before[1]),
                    "total": format_euros(values.total_price),
                    "sub": format_euros(values.subsidisable_amount),
                }
            )
        if status_change:
            parts.append(
                _("aanmelding gesloten")
                if values.status == CohortStatus.CLOSED
                else _("aanmelding geopend")
            )
        node.done(_("Startmoment bijgewerkt: %s.") % "; ".join(parts))


def _cohort_elements(flexible: bool) -> dict[str, str]:
    start = "beginInstroomperiode" if flexible else "vastInstroommoment"
    return {**COHORT_ELEMENTS, "start_date": start}


def _chunks(trainings: list[TrainingItem], size: int) -> Iterator[list[TrainingItem]]:
    chunk: list[TrainingItem] = []
    items = 0
    for training in trainings:
        chunk.append(training)
        items += 1 + sum(1 + len(offer.cohorts) for offer in training.offers)
        if items >= size:
            yield chunk
            chunk, items = [], 0
    if chunk:
        yield chunk


def feed_process(
    *,
    data: bytes,
    organisation: Organisation,
    actor: Actor,
    sink: ItemSink,
    bulk: bool = True,
) -> None:
    """Parse ``data`` and write every item for ``organisation``; ``FeedRefused`` for a file that
    cannot be read at all."""
    feed = parse_feed(data, heartbeat=sink.heartbeat)
    sink.notice(
        [
            ReportLine(
                level=ReportLevel.FOUT,
                subject=SUBJECT_FILE,
                message=problem.message,
                line=problem.line,
            )
            for problem in feed.problems
        ]
    )
    FeedWriter(organisation=organisation, actor=actor, bulk=bulk).write(feed, sink)


class ScholingsaanbodFeed:
    """The ``BulkFormat`` of the register feed (``stap.bulk.formats.FORMATS``)."""

    max_bytes = MAX_BYTES

    def count(self, data: bytes) -> int:
        return count_items(data)

    def process(
        self, *, data: bytes, organisation: Organisation, actor: Actor, sink: ItemSink
    ) -> None:
        feed_process(data=data, organisation=organisation, actor=actor, sink=sink)


SCHOLINGSAANBOD_FEED: BulkFormat = ScholingsaanbodFeed()
