"""The public register's search: what it finds, what it never shows, and that nothing breaks it.

The suite runs on SQLite and, with DATABASE_URL, on PostgreSQL (as CI does); the tests that are
about one database's way of matching words say so and skip on the other.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock, skipIf, skipUnless

from django.db import connection
from django.http import QueryDict
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stap.portals.public.register_forms import RegisterSearchForm
from stap.register.models import Offer, Provider
from stap.register.search import (
    RegisterFilters,
    _best_trainings,
    query_words,
    register_page,
    register_search,
)
from stap.register.services import (
    cohort_add,
    cohort_close,
    exclusion_add,
    exclusion_lift,
    offer_register,
    provider_register,
    recognition_record,
    training_register,
)
from stap.register.values import (
    Category,
    Language,
    NlqfLevel,
    RecognitionKind,
    TeachingForm,
)
from tests import factories

ACTOR = factories.ACTOR
TODAY = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ON_POSTGRESQL = connection.vendor == "postgresql"


def registered_provider(name: str = "Leerhuis Noord", *, recognised: bool = True) -> Provider:
    """A provider of its own organisation; a recognised one can offer trainings for STAP."""
    provider = provider_register(
        actor=ACTOR, organisation=factories.organisation(name=name), name=name
    )
    if recognised:
        recognition_record(
            actor=ACTOR,
            provider=provider,
            kind=RecognitionKind.NRTO,
            valid_from=TODAY - dt.timedelta(days=365),
        )
    return provider


def listed_offer(
    provider: Provider,
    name: str = "Cursus Excel",
    *,
    description: str = "",
    category: Category | str = "",
    level: NlqfLevel | str = "",
    location: str = "Utrecht",
    language: Language = Language.NLD,
    start: dt.date = dt.date(2027, 1, 11),
    intake_end: dt.date | None = None,
    total: Decimal = Decimal("900.00"),
    subsidisable: Decimal = Decimal("800.00"),
    teaching_form: TeachingForm = TeachingForm.KLASSIKAAL,
) -> Offer:
    """A training with one offer and one open cohort, registered through the services."""
    training = training_register(
        actor=ACTOR,
        provider=provider,
        name=name,
        short_name=name[:40],
        description=description,
        category=category,
        nlqf_level=level,
    )
    offer = offer_register(actor=ACTOR, training=training, location=location, language=language)
    cohort_add(
        actor=ACTOR,
        offer=offer,
        code=f"C{start:%Y%m%d}",
        start_date=start,
        intake_end=intake_end,
        end_date=(intake_end or start) + dt.timedelta(days=90),
        total_price=total,
        subsidisable_amount=subsidisable,
        teaching_form=teaching_form,
    )
    return offer


def found(filters: RegisterFilters) -> set[str]:
    """The training names the search finds."""
    return {offer.training.name for offer in register_search(filters=filters, on=TODAY)}


@time_machine.travel(NOW, tick=False)
class RegisterSearchTestCase(TestCase):
    leerhuis: Provider
    vakwerk: Provider
    excel: Offer
    bookkeeping: Offer
    welding: Offer

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            cls.leerhuis = registered_provider("Leerhuis Noord")
            cls.excel = listed_offer(
                cls.leerhuis,
                "Cursus Excel voor gevorderden",
                description="U werkt met draaitabellen en formules aan echte opdrachten.",
                category=Category.TECHNIEK_EN_ICT,
                level=NlqfLevel.THREE,
            )
            cls.bookkeeping = listed_offer(
                cls.leerhuis,
                "Boekhouden basis",
                description="Balans, journaalposten en btw-aangifte voor kleine ondernemers.",
                category=Category.ECONOMIE,
                level=NlqfLevel.FOUR,
                location="",
                language=Language.ENG,
                start=dt.date(2027, 3, 1),
                total=Decimal("450.00"),
                subsidisable=Decimal("400.00"),
                teaching_form=TeachingForm.ONLINE,
            )
            cls.vakwerk = registered_provider("Vakwerk Academie")
            # Flexible intake: began in October, newcomers can start until the end of the year.
            cls.welding = listed_offer(
                cls.vakwerk,
                "Lassen MIG en TIG",
                category=Category.TECHNIEK_EN_ICT,
                level=NlqfLevel.TWO,
                location="Rotterdam",
                start=dt.date(2026, 10, 1),
                intake_end=dt.date(2026, 12, 31),
                total=Decimal("1500.00"),
                subsidisable=Decimal("1500.00"),
            )
            unrecognised = registered_provider("Snelcursus B.V.", recognised=False)
            listed_offer(unrecognised, "Excel in een dag")
            closed = listed_offer(cls.vakwerk, "Excel voor lassers")
            cohort_close(actor=ACTOR, cohort=closed.cohorts.get())
            listed_offer(cls.vakwerk, "Excel van vorig jaar", start=dt.date(2026, 9, 1))

    EVERY_ELIGIBLE = {"Cursus Excel voor gevorderden", "Boekhouden basis", "Lassen MIG en TIG"}


class EligibilityTests(RegisterSearchTestCase):
    def test_only_offers_that_can_be_chosen_for_stap_now_are_found(self) -> None:
        self.assertEqual(found(RegisterFilters()), self.EVERY_ELIGIBLE)
        # Not recognised, only a closed cohort, or a cohort that began: never in the register.
        self.assertEqual(found(RegisterFilters(query="excel")), {"Cursus Excel voor gevorderden"})

    def test_an_excluded_training_disappears_at_once_and_returns_when_the_exclusion_is_lifted(
        self,
    ) -> None:
        exclusion = exclusion_add(
            actor=ACTOR, training=self.excel.training, reason="Onderzoek naar misbruik."
        )

        self.assertNotIn("Cursus Excel voor gevorderden", found(RegisterFilters()))
        self.assertEqual(found(RegisterFilters(query="excel")), set())

        exclusion_lift(actor=ACTOR, exclusion=exclusion, reason="Bezwaar gegrond.")

        self.assertEqual(found(RegisterFilters(query="excel")), {"Cursus Excel voor gevorderden"})

    def test_an_excluded_provider_takes_all_its_offers_with_it(self) -> None:
        exclusion_add(actor=ACTOR, provider=self.leerhuis, reason="Erkenning ingetrokken.")

        self.assertEqual(found(RegisterFilters()), {"Lassen MIG en TIG"})


class FilterTests(RegisterSearchTestCase):
    def test_each_filter_narrows_to_the_offers_that_fit_it(self) -> None:
        cases = {
            "language": (RegisterFilters(language=Language.ENG), {"Boekhouden basis"}),
            "teaching form": (
                RegisterFilters(teaching_form=TeachingForm.ONLINE),
                {"Boekhouden basis"},
            ),
            "place, whatever its case": (
                RegisterFilters(place=" rotterdam "),
                {"Lassen MIG en TIG"},
            ),
            "price from": (
                RegisterFilters(price_from=Decimal("800.00")),
                {"Cursus Excel voor gevorderden", "Lassen MIG en TIG"},
            ),
            "price until": (
                RegisterFilters(price_until=Decimal("799.99")),
                {"Boekhouden basis"},
            ),
            "price range": (
                RegisterFilters(price_from=Decimal("500"), price_until=Decimal("1000")),
                {"Cursus Excel voor gevorderden"},
            ),
            "start from": (
                RegisterFilters(start_from=dt.date(2027, 2, 1)),
                {"Boekhouden basis"},
            ),
            "start until": (
                RegisterFilters(start_until=dt.date(2027, 1, 11)),
                {"Cursus Excel voor gevorderden", "Lassen MIG en TIG"},
            ),
            "level": (RegisterFilters(level=NlqfLevel.THREE), {"Cursus Excel voor gevorderden"}),
            "category": (
                RegisterFilters(category=Category.TECHNIEK_EN_ICT),
                {"Cursus Excel voor gevorderden", "Lassen MIG en TIG"},
            ),
            "several at once": (
                RegisterFilters(
                    category=Category.TECHNIEK_EN_ICT, teaching_form=TeachingForm.KLASSIKAAL
                ),
                {"Cursus Excel voor gevorderden", "Lassen MIG en TIG"},
            ),
        }
        for case, (filters, expected) in cases.items():
            with self.subTest(case):
                self.assertEqual(found(filters), expected)

    def test_a_flexible_intake_can_be_started_until_its_last_day(self) -> None:
        self.assertIn("Lassen MIG en TIG", found(RegisterFilters(start_from=dt.date(2026, 12, 1))))
        self.assertNotIn(
            "Lassen MIG en TIG", found(RegisterFilters(start_from=dt.date(2027, 1, 1)))
        )

    def test_the_cohort_filters_must_fit_one_and_the_same_open_cohort(self) -> None:
        cohort_add(
            actor=ACTOR,
            offer=self.excel,
            code="ONLINE-GOEDKOOP",
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 4, 1),
            total_price=Decimal("200.00"),
            subsidisable_amount=Decimal("200.00"),
            teaching_form=TeachingForm.ONLINE,
        )

        # Online is €200, €800 is klassikaal: no cohort is both.
        self.assertNotIn(
            "Cursus Excel voor gevorderden",
            found(RegisterFilters(teaching_form=TeachingForm.ONLINE, price_from=Decimal("800"))),
        )
        self.assertIn(
            "Cursus Excel voor gevorderden",
            found(RegisterFilters(teaching_form=TeachingForm.ONLINE, price_until=Decimal("200"))),
        )

    def test_a_closed_cohort_does_not_fit_the_cohort_filters(self) -> None:
        online = cohort_add(
            actor=ACTOR,
            offer=self.excel,
            code="ONLINE",
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 4, 1),
            total_price=Decimal("200.00"),
            subsidisable_amount=Decimal("200.00"),
            teaching_form=TeachingForm.ONLINE,
        )
        cohort_close(actor=ACTOR, cohort=online)

        self.assertEqual(
            found(RegisterFilters(teaching_form=TeachingForm.ONLINE)), {"Boekhouden basis"}
        )

    def test_a_result_shows_the_open_cohorts_that_fit_the_filters(self) -> None:
        page = register_page(
            filters=RegisterFilters(query="excel", price_until=Decimal("900")), on=TODAY
        )

        [result] = page.results
        self.assertEqual([cohort.code for cohort in result.cohorts], ["C20270111"])


class WordTests(RegisterSearchTestCase):
    def test_words_match_the_training_name_whatever_their_case(self) -> None:
        self.assertEqual(found(RegisterFilters(query="EXCEL")), {"Cursus Excel voor gevorderden"})

    def test_words_match_the_description(self) -> None:
        self.assertEqual(
            found(RegisterFilters(query="draaitabellen")), {"Cursus Excel voor gevorderden"}
        )

    def test_words_match_the_provider_name(self) -> None:
        self.assertEqual(found(RegisterFilters(query="vakwerk")), {"Lassen MIG en TIG"})

    def test_every_word_must_match(self) -> None:
        self.assertEqual(found(RegisterFilters(query="excel boekhouden")), set())

    def test_the_words_may_be_spread_over_the_training_and_its_provider(self) -> None:
        self.assertEqual(
            found(RegisterFilters(query="excel leerhuis")), {"Cursus Excel voor gevorderden"}
        )
        self.assertEqual(found(RegisterFilters(query="excel vakwerk")), set())

    def test_words_combine_with_the_filters(self) -> None:
        self.assertEqual(
            found(RegisterFilters(query="leerhuis", language=Language.ENG)), {"Boekhouden basis"}
        )

    def test_quotes_and_punctuation_around_words_do_not_count(self) -> None:
        self.assertEqual(query_words(' "Excel", boekhouden! excel '), ["Excel", "boekhouden"])

    @skipUnless(ON_POSTGRESQL, "Dutch stemming is PostgreSQL's full-text search")
    def test_on_postgresql_other_forms_of_a_word_match_too(self) -> None:
        # The description says "opdrachten".
        self.assertEqual(
            found(RegisterFilters(query="opdracht")), {"Cursus Excel voor gevorderden"}
        )

    @skipUnless(ON_POSTGRESQL, "ranking is PostgreSQL's full-text search")
    def test_on_postgresql_a_match_in_the_name_ranks_above_one_in_the_description(self) -> None:
        listed_offer(
            self.vakwerk,
            "Draaitabellen in de praktijk",
            description="Voor wie al met spreadsheets werkt.",
        )

        ranked = [
            offer.training.name
            for offer in register_search(filters=RegisterFilters(query="draaitabellen"), on=TODAY)
        ]

        self.assertEqual(ranked, ["Draaitabellen in de praktijk", "Cursus Excel voor gevorderden"])

    @skipUnless(ON_POSTGRESQL, "websearch syntax is PostgreSQL's full-text search")
    def test_on_postgresql_a_minus_excludes_a_word_and_or_offers_alternatives(self) -> None:
        self.assertEqual(found(RegisterFilters(query="leerhuis -excel")), {"Boekhouden basis"})
        self.assertEqual(
            found(RegisterFilters(query="lassen or boekhouden")),
            {"Lassen MIG en TIG", "Boekhouden basis"},
        )

    @skipUnless(ON_POSTGRESQL, "the GIN indexes exist on PostgreSQL only")
    def test_on_postgresql_the_words_are_looked_up_in_the_gin_indexes(self) -> None:
        queryset = register_search(filters=RegisterFilters(query="excel leerhuis"), on=TODAY)
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            # A handful of rows: without this, PostgreSQL rightly prefers reading the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())

        self.assertIn("register_training_search_gin", plan)
        self.assertIn("register_provider_search_gin", plan)

    @skipIf(ON_POSTGRESQL, "this is how the SQLite fallback compares words")
    def test_on_sqlite_each_word_must_occur_as_typed_without_stemming(self) -> None:
        self.assertEqual(found(RegisterFilters(query="formule")), {"Cursus Excel voor gevorderden"})
        self.assertEqual(found(RegisterFilters(query="formulering")), set())
        self.assertEqual(found(RegisterFilters(query="cel")), {"Cursus Excel voor gevorderden"})


class PagingTests(RegisterSearchTestCase):
    def test_a_page_holds_size_results_in_name_order_and_says_whether_more_follow(self) -> None:
        first = register_page(filters=RegisterFilters(), on=TODAY, size=2)
        second = register_page(filters=RegisterFilters(), on=TODAY, number=2, size=2)

        self.assertEqual(
            [result.offer.training.name for result in first.results + second.results],
            ["Boekhouden basis", "Cursus Excel voor gevorderden", "Lassen MIG en TIG"],
        )
        self.assertEqual((first.total, first.has_previous, first.has_next), (3, False, True))
        self.assertEqual((second.has_previous, second.has_next), (True, False))

    def test_a_page_beyond_the_last_gives_the_last(self) -> None:
        page = register_page(filters=RegisterFilters(), on=TODAY, number=9999, size=2)

        self.assertEqual(page.number, 2)
        self.assertEqual(len(page.results), 1)

    def test_the_count_stops_at_the_cap_and_so_do_the_pages(self) -> None:
        with mock.patch("stap.register.search.COUNT_CAP", 2):
            page = register_page(filters=RegisterFilters(), on=TODAY, number=5, size=1)

        self.assertEqual((page.total, page.total_is_capped), (2, True))
        self.assertEqual(page.number, 2)
        self.assertFalse(page.has_next)

    def test_an_empty_search_finds_nothing_without_failing(self) -> None:
        page = register_page(filters=RegisterFilters(query="xylofoonreparatie"), on=TODAY)

        self.assertEqual((page.total, page.results, page.has_next), (0, [], False))


def another_offer(training_offer: Offer, *, location: str = "Utrecht") -> Offer:
    """A second offer of the same training, with one open cohort."""
    offer = offer_register(actor=ACTOR, training=training_offer.training, location=location)
    cohort_add(
        actor=ACTOR,
        offer=offer,
        code="C2",
        start_date=dt.date(2027, 2, 1),
        end_date=dt.date(2027, 5, 1),
        total_price=Decimal("900.00"),
        subsidisable_amount=Decimal("800.00"),
    )
    return offer


@skipUnless(ON_POSTGRESQL, "ranking among the trainings first is PostgreSQL's full-text search")
class BroadSearchTests(RegisterSearchTestCase):
    """A word in thousands of trainings ("cursus") ranks the trainings before it looks at their
    offers. Here a handful of trainings stand for thousands: the cap on the count and the number
    of trainings looked among are made small."""

    cooking: Offer
    cooking_again: Offer
    other_cooking: Offer

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            south = registered_provider("Cursus en Co Zuid")  # a provider that matches too
            # "cursus" in the name ranks above "cursus" in the description only.
            diving = listed_offer(cls.leerhuis, "Cursus Duiken")
            cohort_close(actor=ACTOR, cohort=diving.cohorts.get())  # best ranked, not eligible
            listed_offer(cls.vakwerk, "Cursus Engels", language=Language.ENG)
            # Two trainings of one name and rank; their offers' ids interleave.
            cls.cooking = listed_offer(cls.leerhuis, "Cursus Koken", description="Voor thuis.")
            cls.other_cooking = listed_offer(cls.vakwerk, "Cursus Koken", description="Voor thuis.")
            cls.cooking_again = another_offer(cls.cooking)
            providers = [cls.leerhuis, cls.vakwerk, south]
            for number in range(22):
                offer = listed_offer(
                    providers[number % 3],
                    f"Vak {number:02d}",
                    description="Een cursus, een goede cursus."
                    if number % 4 == 0
                    else "Een cursus.",
                    category=Category.ECONOMIE if number % 2 else "",
                    # Further down the ranking only these are given in English.
                    language=Language.ENG if number in (10, 11) else Language.NLD,
                )
                if number % 5 == 0:
                    another_offer(offer)
            # The last two of the ranking are the only ones in Zwolle.
            listed_offer(cls.leerhuis, "Zuivel", description="Een cursus.", location="Zwolle")
            listed_offer(cls.vakwerk, "Zwemmen", description="Een cursus.", location="Zwolle")

    def pages(self, filters: RegisterFilters, *, size: int) -> list[int]:
        """Pages through ``filters`` as a broad search (one more match than the cap), checks
        that each page holds the search's own rows in its order, and says how many queries each
        page took."""
        everything = [offer.pk for offer in register_search(filters=filters, on=TODAY)]
        self.assertGreater(len(everything), 1, filters)
        queries = []
        with mock.patch.multiple(
            "stap.register.search",
            COUNT_CAP=len(everything) - 1,
            MIN_CANDIDATES=1,
            CANDIDATES_PER_ROW=1,
        ):
            for number in range(1, -(-(len(everything) - 1) // size) + 1):
                with CaptureQueriesContext(connection) as captured:
                    page = register_page(filters=filters, on=TODAY, number=number, size=size)
                start = (number - 1) * size
                self.assertEqual(
                    [result.offer.pk for result in page.results],
                    everything[start : start + size],
                    f"page {number} of {filters}",
                )
                self.assertEqual(
                    (page.total_is_capped, page.has_next),
                    (True, number * size < len(everything) - 1),
                )
                queries.append(len(captured))
        return queries

    def test_every_page_is_the_searchs_own_whichever_way_it_was_found(self) -> None:
        for filters in (
            RegisterFilters(query="cursus"),
            RegisterFilters(query="Cursus", category=Category.ECONOMIE),
            RegisterFilters(query="cursus zuid"),
            RegisterFilters(query="goede zuid"),  # the training and its provider together
            RegisterFilters(query="cursus -koken"),
            RegisterFilters(query="koken or cursus"),
            RegisterFilters(query="cursus", language=Language.ENG),
            RegisterFilters(query="cursus", place="Zwolle"),
        ):
            for size in (1, 2, 3):
                self.pages(filters, size=size)

    def test_the_best_trainings_hold_the_page_or_ten_times_as_many_are_tried(self) -> None:
        # The count, the best trainings, their offers, the cohorts.
        self.assertEqual(self.pages(RegisterFilters(query="cursus"), size=3)[0], 4)
        # Not all among the best two or three trainings, but among the best twenty or thirty:
        # one query more.
        self.assertEqual(
            self.pages(RegisterFilters(query="cursus", language=Language.ENG), size=1), [5, 5]
        )
        # Not among the best twenty either: the search as a whole after all.
        self.assertEqual(self.pages(RegisterFilters(query="cursus", place="Zwolle"), size=1), [6])

    def test_each_matching_training_is_ranked_once(self) -> None:
        for text in ("cursus", "goede zuid", "cursus zuid", "cursus -koken"):
            best = _best_trainings(text=text, filters=RegisterFilters(), limit=1000)
            trainings = {
                offer.training_id
                for offer in register_search(filters=RegisterFilters(query=text), on=TODAY)
            }

            self.assertEqual(len(best), len(set(best)), text)
            self.assertLessEqual(trainings, set(best), text)

    def test_the_offers_of_one_training_stay_together_beside_a_namesake_of_equal_rank(
        self,
    ) -> None:
        ranked = [
            offer.pk for offer in register_search(filters=RegisterFilters(query="koken"), on=TODAY)
        ]

        self.assertLess(self.other_cooking.pk, self.cooking_again.pk)
        self.assertEqual(ranked, [self.cooking.pk, self.cooking_again.pk, self.other_cooking.pk])

    def test_a_search_that_finds_no_more_than_the_cap_searches_as_a_whole(self) -> None:
        with self.assertNumQueries(3):  # the count, the page, the cohorts
            register_page(filters=RegisterFilters(query="cursus"), on=TODAY)


HOSTILE_TEXT = [
    "'; DROP TABLE register_offer; --",
    "%",
    "_",
    "\\",
    '"',
    '"excel',
    "-",
    "- - -",
    "!!!",
    "excel & | ! <-> :* ()",
    "excel:*",
    "\x00",
    "excel\x00leerhuis",
    "😀 ñ ß Æ",
    "x" * 5000,
    "or",
    "or or or",
    "-excel",
    "de het een",
    " \t\n ",
]


@time_machine.travel(NOW, tick=False)
class HostileInputTests(RegisterSearchTestCase):
    def test_odd_text_in_the_words_or_the_place_never_fails(self) -> None:
        for text in HOSTILE_TEXT:
            with self.subTest(text=text[:40]):
                register_page(filters=RegisterFilters(query=text), on=TODAY)
                register_page(filters=RegisterFilters(place=text), on=TODAY)

    def test_a_sql_comment_is_just_words(self) -> None:
        self.assertEqual(
            found(RegisterFilters(query="excel' --")), {"Cursus Excel voor gevorderden"}
        )

    def test_odd_values_in_the_form_become_messages_and_not_filters(self) -> None:
        form = RegisterSearchForm(
            QueryDict(
                "q=excel&taal=XXX&niveau=9&prijs_vanaf=veel&prijs_tot_en_met=-5"
                "&start_vanaf=2027-02-30&start_tot_en_met=morgen&plaats=%00"
            )
        )

        filters = form.filters()

        self.assertEqual(filters, RegisterFilters(query="excel"))
        self.assertEqual(
            set(form.errors),
            {
                "taal",
                "niveau",
                "prijs_vanaf",
                "prijs_tot_en_met",
                "start_vanaf",
                "start_tot_en_met",
                "plaats",
            },
        )


_FORM_FIELDS = [*RegisterSearchForm.base_fields, "pagina"]


@time_machine.travel(NOW, tick=False)
class ArbitraryInputTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            listed_offer(registered_provider(), "Cursus Excel", description="Formules.")

    @settings(max_examples=150, deadline=None)
    @given(text=st.text(max_size=300), place=st.text(max_size=100))
    def test_any_text_searches_without_failing(self, text: str, place: str) -> None:
        page = register_page(filters=RegisterFilters(query=text, place=place), on=TODAY)

        self.assertLessEqual(len(page.results), 1)

    @settings(max_examples=150, deadline=None)
    @given(values=st.dictionaries(st.sampled_from(_FORM_FIELDS), st.text(max_size=60)))
    def test_any_value_in_any_field_of_the_form_searches_without_failing(
        self, values: dict[str, str]
    ) -> None:
        data = QueryDict(mutable=True)
        data.update(values)
        form = RegisterSearchForm(data)

        page = register_page(filters=form.filters(), on=TODAY)

        self.assertLessEqual(len(page.results), 1)
