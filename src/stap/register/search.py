"""Searching the public STAP-scholingsregister: only offers that can be chosen for STAP today.

Anyone can search, without signing in. The filters narrow ``eligible_offers(on=today)``; the
teaching form, the price range and the start dates all apply to one and the same open cohort
(a start moment someone can still enrol for and begin).

The words are matched differently per database:

* **PostgreSQL** (production, CI): full text with Dutch stemming. ``Training.search_document``
  and ``Provider.search_document`` are stored ``tsvector`` columns (the training's names weigh
  A, the provider's name B, the description C), each with a GIN index (migration 0004). The
  text is read as ``websearch_to_tsquery('dutch', …)``: every word must match, ``"…"`` is a
  phrase, ``-word`` excludes and ``or`` offers alternatives. A word may match the training or
  its provider, so "excel leerhuis" finds Leerhuis' Excel course. Results are ordered by
  ``ts_rank`` over both documents, then by name (and the offers of one training together). A
  search that finds more than ``COUNT_CAP`` offers ranks the trainings first and takes the page
  from the offers of the best ones (``_page_among_best_trainings``): the same page, for a word
  in a quarter of the register at a fraction of the cost.
* **SQLite** (the embedded default): no stemming, no operators, no ranking. Every word must
  occur, case-insensitively (for ASCII letters, as SQLite compares), in the training's name,
  short name or description or in the provider's name; results are ordered by name.

Counting stops at ``COUNT_CAP`` (as in ADR 0007): a broad query says "more than 1,000" instead
of counting every match, and pages go no further than the cap.
"""

import datetime as dt
import operator
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.http import Http404

from stap.register.eligibility import NotEligible, eligible_offers, offer_eligibility
from stap.register.models import Cohort, Offer, Training
from stap.register.values import Category, CohortStatus, Language, NlqfLevel, TeachingForm

PAGE_SIZE = 20
# Past this many matches the page says "more than 1,000"; no one reads beyond page 50.
COUNT_CAP = 1_000
# A search that finds more than COUNT_CAP offers first looks among this many best-ranked
# trainings per row the page needs (at least MIN_CANDIDATES); see _page_among_best_trainings.
CANDIDATES_PER_ROW = 4
MIN_CANDIDATES = 100
# Words beyond these are ignored: each one adds a condition to the query.
MAX_WORDS = 10
# Longer text is cut off; PostgreSQL also refuses words over 2,047 bytes in a query.
MAX_TEXT = 200
_SURROUNDING_PUNCTUATION = "\"'“”‘’„,.;:!?()[]{}"


@dataclass(frozen=True, kw_only=True)
class RegisterFilters:
    """What someone searches for; every field left empty does not filter."""

    query: str = ""
    language: Language | None = None
    teaching_form: TeachingForm | None = None
    place: str = ""
    price_from: Decimal | None = None
    price_until: Decimal | None = None
    start_from: dt.date | None = None
    start_until: dt.date | None = None
    level: NlqfLevel | None = None
    category: Category | None = None

    @property
    def has_cohort_filters(self) -> bool:
        return any(
            value is not None
            for value in (
                self.teaching_form,
                self.price_from,
                self.price_until,
                self.start_from,
                self.start_until,
            )
        )


@dataclass(frozen=True)
class RegisterResult:
    offer: Offer
    cohorts: list[Cohort]
    """The offer's open cohorts that fit the filters, earliest first."""


@dataclass(frozen=True)
class RegisterPage:
    results: list[RegisterResult]
    number: int
    total: int
    total_is_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def startable_cohorts(*, on: dt.date) -> Q:
    """Cohorts someone can still enrol for and begin on or after ``on`` (as eligibility says)."""
    return Q(status=CohortStatus.OPEN) & (Q(start_date__gte=on) | Q(intake_end__gte=on))


def _cohort_filters(filters: RegisterFilters) -> Q:
    condition = Q()
    if filters.teaching_form is not None:
        condition &= Q(teaching_form=filters.teaching_form)
    if filters.price_from is not None:
        condition &= Q(subsidisable_amount__gte=filters.price_from)
    if filters.price_until is not None:
        condition &= Q(subsidisable_amount__lte=filters.price_until)
    if filters.start_from is not None:
        # A flexible intake can still be started after its first day.
        condition &= Q(start_date__gte=filters.start_from) | Q(intake_end__gte=filters.start_from)
    if filters.start_until is not None:
        condition &= Q(start_date__lte=filters.start_until)
    return condition


def query_words(text: str) -> list[str]:
    """The distinct words of ``text`` without surrounding quotes or punctuation, at most
    ``MAX_WORDS``; a "word" without a letter or digit (``--``) is none."""
    words: list[str] = []
    seen: set[str] = set()
    for raw in text.split():
        word = raw.strip(_SURROUNDING_PUNCTUATION)
        if any(character.isalnum() for character in word) and word.casefold() not in seen:
            words.append(word)
            seen.add(word.casefold())
    return words[:MAX_WORDS]


def _plain(text: str) -> str:
    """``text`` as the database can take it: no NUL characters, trimmed, not too long."""
    return text.replace("\x00", " ").strip()[:MAX_TEXT].strip()


def _uses_postgresql(queryset: QuerySet[Offer]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _document(training: str, provider: str) -> CombinedExpression:
    """A training's search document followed by its provider's."""
    return CombinedExpression(F(training), "||", F(provider), output_field=SearchVectorField())


def _together(trainings: QuerySet[Any], query: SearchQuery) -> QuerySet[Any]:
    """Those of ``trainings`` whose own document and their provider's together match."""
    together: QuerySet[Any] = trainings.alias(
        document=_document("search_document", "provider__search_document")
    ).filter(document=query)
    return together


def _matching_trainings(text: str, *, disjoint: bool = False) -> list[QuerySet[Training]]:
    """PostgreSQL: parts whose union is the trainings that match ``text``; a training may be in
    more than one part unless ``disjoint``.

    Three parts, each answered by a GIN index: trainings that match, trainings of providers that
    match, and trainings that match only together with their provider ("excel leerhuis"),
    looked for among trainings and providers that each share a word with the query. A union,
    not OR: an OR across tables makes PostgreSQL read every offer. An excluded word ("-excel")
    is checked against both documents together.
    """
    query = _search_query(text)
    trainings = Training.objects.order_by()
    own, providers = Q(search_document=query), Q(provider__search_document=query)
    parts = [
        trainings.filter(own),
        trainings.filter(providers).exclude(own) if disjoint else trainings.filter(providers),
    ]
    words = query_words(text)
    if len(words) > 1:
        any_word = reduce(
            operator.or_,
            (SearchQuery(word, search_type="plain", config="dutch") for word in words),
        )
        spread = trainings.filter(search_document=any_word, provider__search_document=any_word)
        together = _together(spread, query)
        parts.append(together.exclude(own | providers) if disjoint else together)
    if "-" in text:
        # "-word" excludes: the training's own document may lack the word while its provider's
        # name has it. Only the two documents together can say (any hyphen, to be safe).
        parts = [_together(trainings.filter(pk__in=_union_of_pks(parts)), query)]
    return parts


def _union_of_pks(parts: list[QuerySet[Training]]) -> QuerySet[Any]:
    return reduce(lambda union, part: union.union(part, all=True), (p.values("pk") for p in parts))


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="dutch")


def _full_text(text: str) -> tuple[Q, SearchRank]:
    """PostgreSQL: the condition for offers whose training or provider matches ``text``, and
    their rank (``_matching_trainings`` says how)."""
    return Q(training__in=_union_of_pks(_matching_trainings(text))), _rank(text)


def _rank(text: str) -> SearchRank:
    """PostgreSQL: how well an offer's training and provider together match ``text``."""
    return SearchRank(
        _document("training__search_document", "provider__search_document"), _search_query(text)
    )


def _every_word(text: str) -> Q:
    """SQLite: every word occurs in the training's names or description or the provider's
    name."""
    condition = Q()
    for word in query_words(text):
        condition &= (
            Q(training__name__icontains=word)
            | Q(training__short_name__icontains=word)
            | Q(training__description__icontains=word)
            | Q(provider__name__icontains=word)
        )
    return condition


def _matching(*, filters: RegisterFilters, on: dt.date) -> QuerySet[Offer]:
    """Every offer that can be chosen for STAP on ``on`` and fits the filters other than the
    words."""
    offers = eligible_offers(on=on)
    if filters.has_cohort_filters:
        offers = offers.filter(
            Exists(
                Cohort.objects.filter(offer=OuterRef("pk"))
                .filter(startable_cohorts(on=on))
                .filter(_cohort_filters(filters))
            )
        )
    if filters.language is not None:
        offers = offers.filter(language=filters.language)
    if place := _plain(filters.place):
        offers = offers.filter(location__iexact=place)
    if filters.level is not None:
        offers = offers.filter(training__nlqf_level=filters.level)
    if filters.category is not None:
        offers = offers.filter(training__category=filters.category)
    return offers


def register_search(*, filters: RegisterFilters, on: dt.date) -> QuerySet[Offer]:
    """Every offer that can be chosen for STAP on ``on`` and fits ``filters``, best first."""
    offers = _matching(filters=filters, on=on)
    text = _plain(filters.query)
    if not query_words(text):  # nothing to look for, such as "--"
        return offers.order_by("training__name", "pk")
    if not _uses_postgresql(offers):
        return offers.filter(_every_word(text)).order_by("training__name", "pk")
    condition, rank = _full_text(text)
    return offers.filter(condition).annotate(rank=rank).order_by(*_RANKED)


# Ranked results: best first, then by name; the training before the offer, so that the offers of
# one training stay together even beside another training of the same name and rank.
_RANKED = ("-rank", "training__name", "training_id", "pk")


def _best_trainings(*, text: str, filters: RegisterFilters, limit: int) -> list[int]:
    """PostgreSQL: the ``limit`` best-ranked trainings that match ``text`` and the training's
    filters, best first (as ``_RANKED`` orders their offers), whether or not they have an offer
    that can be chosen. The parts are disjoint, so a union without removing duplicates names
    each training once."""
    rank = SearchRank(
        _document("search_document", "provider__search_document"), _search_query(text)
    )
    parts: list[QuerySet[Any]] = []
    for part in _matching_trainings(text, disjoint=True):
        if filters.level is not None:
            part = part.filter(nlqf_level=filters.level)
        if filters.category is not None:
            part = part.filter(category=filters.category)
        parts.append(part.annotate(rank=rank).values_list("pk", "rank", "name"))
    first, *others = parts
    ranked = first.union(*others, all=True) if others else first
    return [pk for pk, _, _ in ranked.order_by("-rank", "name", "pk")[:limit]]


def _page_among_best_trainings(
    *, filters: RegisterFilters, on: dt.date, text: str, start: int, size: int
) -> list[Offer] | None:
    """PostgreSQL: rows ``start`` to ``start + size`` (one more than a page) of the search, from
    the offers of the best-ranked trainings only; ``None`` when those do not hold enough.

    For a word in thousands of trainings ("cursus"), checking and ranking every matching offer
    costs far more than ranking the trainings alone: an offer ranks as its training does (the
    offer's provider is its training's, as ``offer_register`` makes it). The offers of a training
    that is not among the best come after all those of the trainings that are, so when the best
    hold the page and the row after it, the page is the search's own. The offer filters may leave
    few offers per training (one place, one language): then ten times as many trainings are
    tried before the caller searches as a whole.
    """
    limit = max(MIN_CANDIDATES, CANDIDATES_PER_ROW * (start + size + 1))
    best = _best_trainings(text=text, filters=filters, limit=10 * limit)
    for candidates in (best[:limit], best):
        offers = (
            _matching(filters=filters, on=on)
            .filter(training__in=candidates)
            .annotate(rank=_rank(text))
            .order_by(*_RANKED)
        )
        rows = list(_with_training_and_provider(offers)[start : start + size + 1])
        if len(rows) > size or len(candidates) == len(best) < 10 * limit:
            return rows  # a full page, or the offers of every matching training
    return None


def _count(*, filters: RegisterFilters, on: dt.date) -> int:
    """How many offers fit, counted up to just past ``COUNT_CAP``; without ranking or sorting,
    which a count does not need."""
    offers = _matching(filters=filters, on=on)
    if query_words(text := _plain(filters.query)):
        offers = offers.filter(
            _full_text(text)[0] if _uses_postgresql(offers) else _every_word(text)
        )
    return offers.order_by().values("pk")[: COUNT_CAP + 1].count()


def _with_training_and_provider(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    return offers.select_related("training", "provider").defer(
        "training__search_document", "provider__search_document"
    )


def register_page(
    *, filters: RegisterFilters, on: dt.date, number: int = 1, size: int = PAGE_SIZE
) -> RegisterPage:
    """One page of the search; a page beyond the last (or beyond the cap) gives the last."""
    offers = register_search(filters=filters, on=on)
    counted = _count(filters=filters, on=on)
    total = min(counted, COUNT_CAP)
    last = max(1, -(-total // size))
    number = min(max(number, 1), last)
    start = (number - 1) * size
    text = _plain(filters.query)
    rows: list[Offer] | None = None
    if counted > COUNT_CAP and query_words(text) and _uses_postgresql(offers):
        rows = _page_among_best_trainings(filters=filters, on=on, text=text, start=start, size=size)
    if rows is None:
        rows = list(_with_training_and_provider(offers)[start : start + size + 1])
    cohorts: dict[int, list[Cohort]] = {row.pk: [] for row in rows[:size]}
    for cohort in (
        Cohort.objects.filter(offer__in=list(cohorts))
        .filter(startable_cohorts(on=on))
        .filter(_cohort_filters(filters))
        .order_by("start_date", "pk")
    ):
        cohorts[cohort.offer_id].append(cohort)
    return RegisterPage(
        results=[RegisterResult(offer=row, cohorts=cohorts[row.pk]) for row in rows[:size]],
        number=number,
        total=total,
        total_is_capped=counted > COUNT_CAP,
        has_next=len(rows) > size and number < last,
    )


@dataclass(frozen=True)
class PublicOffer:
    """One offer as the public register shows it, eligible or not."""

    offer: Offer
    open_cohorts: list[Cohort]
    """Start moments someone can still enrol for and begin."""
    closed_cohorts: list[Cohort]
    """Closed for enrolment, or begun and no longer open to newcomers."""
    reasons: list[NotEligible]
    """Why the offer cannot be chosen for STAP now; empty when it can."""

    @property
    def is_eligible(self) -> bool:
        return not self.reasons


def public_offer(*, scholings_id: uuid.UUID, on: dt.date) -> PublicOffer:
    """The offer with this scholings-ID, whether or not it can be chosen; unknown → 404."""
    try:
        offer = (
            Offer.objects.select_related(
                "training", "provider__visiting_address", "provider__postal_address", "address"
            )
            .defer("training__search_document", "provider__search_document")
            .get(scholings_id=scholings_id)
        )
    except Offer.DoesNotExist as exc:
        raise Http404 from exc
    startable = set(offer.cohorts.filter(startable_cohorts(on=on)).values_list("pk", flat=True))
    cohorts = list(offer.cohorts.order_by("start_date", "pk"))
    return PublicOffer(
        offer=offer,
        open_cohorts=[cohort for cohort in cohorts if cohort.pk in startable],
        closed_cohorts=[cohort for cohort in cohorts if cohort.pk not in startable],
        reasons=offer_eligibility(offer, on=on),
    )
