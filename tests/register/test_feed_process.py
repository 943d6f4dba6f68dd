"""Writing a scholingsaanbod feed: create or update by own key, item by item, with a report."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from unittest import mock

from django.apps import apps
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

import time_machine

from stap.bulk.formats import ReportLine
from stap.bulk.models import ReportLevel
from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.identity.models import Organisation
from stap.register.feed import writes
from stap.register.feed.parse import FeedRefused
from stap.register.feed.process import feed_process
from stap.register.models import Address, Cohort, CohortPrice, Offer, Provider, Training
from stap.register.services import provider_register
from stap.register.values import CohortStatus, Language, StapPermission
from tests import factories
from tests.register import feed_xml as x
from tests.register.test_feed_parse import MISPLACED, misplaced

KVK = "90000071"


class Collected:
    """An ``ItemSink`` that keeps what it is told."""

    def __init__(self) -> None:
        self.items: list[list[ReportLine]] = []
        self.notices: list[ReportLine] = []
        self.heartbeats = 0

    def item(self, lines: Sequence[ReportLine]) -> None:
        self.items.append(list(lines))

    def notice(self, lines: Sequence[ReportLine]) -> None:
        self.notices.extend(lines)

    def heartbeat(self) -> None:
        self.heartbeats += 1

    @property
    def lines(self) -> list[ReportLine]:
        return [line for lines in self.items for line in lines]

    def errors(self) -> list[ReportLine]:
        return [line for line in self.lines if line.level == ReportLevel.FOUT]

    def about(self, own_key: str) -> list[ReportLine]:
        return [line for line in self.lines if line.own_key == own_key]


@time_machine.travel(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)
class FeedTestCase(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number=KVK, name="Leerhuis Test B.V.")
        self.provider = provider_register(
            actor=factories.ACTOR, organisation=self.organisation, name="Leerhuis Test"
        )
        self.actor = person(self.organisation)

    def send(
        self, data: bytes, *, organisation: Organisation | None = None, bulk: bool = True
    ) -> Collected:
        sink = Collected()
        organisation = organisation or self.organisation
        feed_process(
            data=data,
            organisation=organisation,
            actor=person(organisation),
            sink=sink,
            bulk=bulk,
        )
        return sink


def person(organisation: Organisation) -> Actor:
    return Actor(
        kind=ActorKind.PERSON,
        identifier="ps-feed",
        channel=Channel.BULK,
        organisation_kvk=organisation.kvk_number,
    )


class GoodFeedTests(FeedTestCase):
    def test_a_good_feed_creates_its_trainings_offers_and_cohorts(self) -> None:
        sink = self.send(x.example("goed"))

        self.assertEqual(sink.errors(), [])
        self.assertEqual(len(sink.items), 9)
        self.assertEqual(Training.objects.filter(provider=self.provider).count(), 2)
        self.assertEqual(Offer.objects.filter(provider=self.provider).count(), 3)
        self.assertEqual(Cohort.objects.filter(offer__provider=self.provider).count(), 4)
        training = Training.objects.get(provider=self.provider, own_key="OPL-BOEKH-01")
        self.assertEqual(training.name, "Praktijkdiploma boekhouden")
        self.assertEqual(training.study_load, 120)
        self.assertEqual(training.nlqf_level, "4")
        offer = Offer.objects.get(provider=self.provider, own_key="AO-BOEKH-UTR")
        self.assertEqual(offer.training, training)
        assert offer.address is not None
        self.assertEqual(str(offer.address), "Stationsplein 1-A, 3511 ED Utrecht")
        self.assertEqual(offer.location, "Utrecht")
        self.assertEqual(offer.website, "https://opleider.example/boekhouden/utrecht")
        online = Offer.objects.get(provider=self.provider, own_key="AO-BOEKH-ONLINE")
        self.assertIsNone(online.address)
        self.assertEqual(online.location, "")
        groningen = Offer.objects.get(own_key="AO-EXCEL-GRON")
        self.assertEqual(groningen.language, Language.ENG)
        self.assertEqual(groningen.stap_permission, StapPermission.NOT_GRANTED)
        self.assertEqual(str(groningen.address), "Grote Markt 21, 9711 LV Groningen")
        cohort = Cohort.objects.get(offer=offer, code="BOEKH-UTR-2027-01")
        self.assertEqual(cohort.start_date, dt.date(2027, 1, 11))
        self.assertEqual(cohort.enrolment_end, dt.date(2026, 12, 31))
        self.assertEqual(cohort.total_price, Decimal("1050.00"))
        self.assertEqual(cohort.subsidisable_amount, Decimal("975.00"))
        self.assertEqual(cohort.places_per_year, 24)
        flexible = Cohort.objects.get(offer=online)
        self.assertEqual(flexible.start_date, dt.date(2027, 1, 1))
        self.assertEqual(flexible.intake_end, dt.date(2027, 6, 30))
        closed = Cohort.objects.get(code="EXCEL-2027-03")
        self.assertEqual(closed.status, CohortStatus.CLOSED)
        self.assertEqual(closed.subsidisable_amount, Decimal("400.50"))
        self.assertEqual(
            CohortPrice.objects.filter(cohort__offer__provider=self.provider).count(), 4
        )

    def test_the_report_has_one_info_line_per_item_with_the_provider_keys_and_our_codes(
        self,
    ) -> None:
        sink = self.send(x.example("goed"))

        training = Training.objects.get(own_key="OPL-BOEKH-01")
        offer = Offer.objects.get(own_key="AO-BOEKH-UTR")
        [training_line] = sink.about("OPL-BOEKH-01")
        self.assertEqual(training_line.subject, "opleiding")
        self.assertEqual(training_line.code, training.code)
        self.assertIn(training.code, training_line.message)
        self.assertIn("aangemaakt", training_line.message)
        [offer_line] = sink.about("AO-BOEKH-UTR")
        self.assertEqual(offer_line.subject, "aangebodenOpleiding")
        self.assertEqual(offer_line.code, str(offer.scholings_id))
        [cohort_line] = sink.about("AO-BOEKH-UTR / BOEKH-UTR-2027-01")
        self.assertEqual(cohort_line.subject, "startmoment")
        self.assertEqual(cohort_line.code, "BOEKH-UTR-2027-01")
        self.assertIn("€ 1.050,00", cohort_line.message)
        self.assertEqual([lines[0].line for lines in sink.items[:3]], [4, 17, 29])

    def test_cohort_lines_carry_the_cohort_code_also_when_refused(self) -> None:
        sink = self.send(x.example("met-fouten"))

        cohorts = [line for line in sink.lines if line.subject == "startmoment"]
        self.assertTrue(cohorts)
        for line in cohorts:
            self.assertEqual(line.code, line.own_key.split(" / ")[1])
        self.assertIn("FOUT", {line.level for line in cohorts})

    def test_the_sink_hears_a_heartbeat_while_the_file_is_checked(self) -> None:
        sink = self.send(x.example("goed"))

        self.assertEqual(sink.heartbeats, 1 + 2)  # once read, then after each opleiding

    def test_every_item_is_audited_through_the_bulk_channel_for_the_person(self) -> None:
        self.send(x.example("goed"))

        entries = AuditEntry.objects.filter(channel=Channel.BULK, organisation_kvk=KVK)
        self.assertEqual(
            sorted(entries.values_list("action", flat=True)),
            sorted(
                ["register.training_registered"] * 2
                + ["register.offer_registered"] * 3
                + ["register.cohort_added"] * 4
            ),
        )
        self.assertEqual(set(entries.values_list("actor_id", flat=True)), {"ps-feed"})


class ResendTests(FeedTestCase):
    def test_sending_the_same_feed_again_duplicates_nothing_and_changes_nothing(self) -> None:
        self.send(x.example("goed"))
        audit_entries = AuditEntry.objects.count()

        sink = self.send(x.example("goed"))

        self.assertEqual(sink.errors(), [])
        self.assertEqual(Training.objects.filter(provider=self.provider).count(), 2)
        self.assertEqual(Offer.objects.filter(provider=self.provider).count(), 3)
        self.assertEqual(Cohort.objects.filter(offer__provider=self.provider).count(), 4)
        self.assertEqual(Address.objects.count(), 2)
        self.assertEqual(AuditEntry.objects.count(), audit_entries)
        self.assertTrue(all("ongewijzigd" in line.message for line in sink.lines))

    def test_sending_a_changed_item_updates_it_by_its_own_key(self) -> None:
        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1")))))
        training = Training.objects.get(own_key="OPL-1")

        sink = self.send(
            x.feed(
                x.training(
                    "OPL-1",
                    x.offer(
                        "AO-1",
                        x.cohort("C1", end="2027-04-30", places="20"),
                        address={**x.STATIONSPLEIN, "huisnummer": "3"},
                    ),
                    name="Cursus boekhouden voor gevorderden",
                )
            )
        )

        self.assertEqual(sink.errors(), [])
        training.refresh_from_db()
        self.assertEqual(training.name, "Cursus boekhouden voor gevorderden")
        self.assertEqual(Training.objects.filter(own_key="OPL-1").count(), 1)
        offer = Offer.objects.get(own_key="AO-1")
        assert offer.address is not None
        self.assertEqual(offer.address.house_number, "3")
        cohort = Cohort.objects.get(offer=offer, code="C1")
        self.assertEqual(cohort.end_date, dt.date(2027, 4, 30))
        self.assertEqual(cohort.places_per_year, 20)
        [training_line] = sink.about("OPL-1")
        self.assertIn("bijgewerkt: <naamLang>", training_line.message)
        [offer_line] = sink.about("AO-1")
        self.assertIn("<locatie>", offer_line.message)
        [cohort_line] = sink.about("AO-1 / C1")
        self.assertIn("<einddatum>", cohort_line.message)
        self.assertIn("<deelnemersplaatsen>", cohort_line.message)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="register.training_changed", object_id=str(training.pk)
            ).exists()
        )

    def test_a_price_change_goes_into_the_price_history(self) -> None:
        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1")))))

        sink = self.send(
            x.feed(
                x.training(
                    "OPL-1", x.offer("AO-1", x.cohort("C1", total="950.00", subsidisable="850.00"))
                )
            )
        )

        cohort = Cohort.objects.get(code="C1")
        self.assertEqual(cohort.total_price, Decimal("950.00"))
        self.assertEqual(
            list(cohort.prices.values_list("total_price", "subsidisable_amount")),
            [(Decimal("900.00"), Decimal("800.00")), (Decimal("950.00"), Decimal("850.00"))],
        )
        [line] = sink.about("AO-1 / C1")
        self.assertIn("prijshistorie", line.message)
        self.assertTrue(AuditEntry.objects.filter(action="register.cohort_price_changed").exists())

    def test_status_g_closes_a_cohort_and_o_opens_it_again(self) -> None:
        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1")))))

        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1", status="G")))))
        self.assertEqual(Cohort.objects.get(code="C1").status, CohortStatus.CLOSED)

        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1", status="O")))))
        self.assertEqual(Cohort.objects.get(code="C1").status, CohortStatus.OPEN)

    def test_an_update_the_register_refuses_writes_nothing_of_that_item(self) -> None:
        self.send(x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1")))))

        # New dates are fine on their own, but the new price is refused: nothing changes.
        sink = self.send(
            x.feed(
                x.training(
                    "OPL-1",
                    x.offer(
                        "AO-1",
                        x.cohort("C1", end="2027-05-31", total="700.00", subsidisable="800.00"),
                    ),
                )
            )
        )

        cohort = Cohort.objects.get(code="C1")
        self.assertEqual(cohort.end_date, dt.date(2027, 3, 29))
        self.assertEqual(cohort.total_price, Decimal("900.00"))
        [line] = sink.about("AO-1 / C1")
        self.assertEqual(line.level, ReportLevel.FOUT)
        self.assertIn("<subsidieerbaarBedrag>", line.message)

    def test_an_offer_cannot_move_to_another_training(self) -> None:
        self.send(
            x.feed(x.training("OPL-1", x.offer("AO-1")), x.training("OPL-2", x.offer("AO-2")))
        )

        sink = self.send(x.feed(x.training("OPL-2", x.offer("AO-1"))))

        [line] = sink.about("AO-1")
        self.assertEqual(line.level, ReportLevel.FOUT)
        self.assertIn("andere opleiding", line.message)
        self.assertEqual(Offer.objects.get(own_key="AO-1").training.own_key, "OPL-1")

    def test_offers_that_move_are_refused_with_one_query_for_the_codes_of_their_trainings(
        self,
    ) -> None:
        keys = [f"AO-{number}" for number in range(1, 5)]
        self.send(
            x.feed(
                x.training("OPL-1", *(x.offer(key) for key in keys)),
                x.training("OPL-2", x.offer("AO-9")),
            )
        )
        code = Training.objects.get(own_key="OPL-1").code

        def moving(count: int) -> bytes:
            return x.feed(x.training("OPL-2", *(x.offer(key) for key in keys[:count])))

        with CaptureQueriesContext(connection) as one:
            self.send(moving(1))
        with CaptureQueriesContext(connection) as four:
            sink = self.send(moving(4))

        self.assertEqual(len(four), len(one))
        for key in keys:
            [line] = sink.about(key)
            self.assertEqual(line.level, ReportLevel.FOUT)
            self.assertIn(f"(opleidingscode {code})", line.message)


class BadRecordTests(FeedTestCase):
    def test_one_bad_record_keeps_only_itself_and_what_is_under_it_out(self) -> None:
        sink = self.send(x.example("met-fouten"))

        self.assertEqual(len(sink.items), 10)
        self.assertEqual(
            set(Training.objects.filter(provider=self.provider).values_list("own_key", flat=True)),
            {"OPL-GOED-03"},
        )
        self.assertEqual(
            set(Offer.objects.filter(provider=self.provider).values_list("own_key", flat=True)),
            {"AO-GOED-03"},
        )
        self.assertEqual(
            set(
                Cohort.objects.filter(offer__provider=self.provider).values_list("code", flat=True)
            ),
            {"C-GOED-03"},
        )
        levels = {lines[0].own_key: lines[0].level for lines in sink.items}
        self.assertEqual(
            levels,
            {
                "OPL-FOUT-NAAM": ReportLevel.FOUT,
                "AO-ONDER-FOUTE-OPLEIDING": ReportLevel.FOUT,
                "OPL-GOED-03": ReportLevel.INFO,
                "AO-FOUT-POSTCODE": ReportLevel.FOUT,
                "AO-GOED-03": ReportLevel.INFO,
                "AO-GOED-03 / C-FOUT-PRIJS": ReportLevel.FOUT,
                "AO-GOED-03 / C-FOUT-DATUM": ReportLevel.FOUT,
                "AO-GOED-03 / C-GOED-03": ReportLevel.INFO,
                "OPL-FOUT-CATEGORIE": ReportLevel.FOUT,
                "AO-BLOEMEN": ReportLevel.FOUT,
            },
        )

    def test_each_error_names_the_element_and_says_how_to_fix_it(self) -> None:
        sink = self.send(x.example("met-fouten"))

        [name] = sink.about("OPL-FOUT-NAAM")
        self.assertIn("<naamKort> is te lang: 52 tekens, ten hoogste 40", name.message)
        [postcode] = sink.about("AO-FOUT-POSTCODE")
        self.assertEqual(postcode.subject, "locatie")
        self.assertIn("<postcode>", postcode.message)
        self.assertIn("3511 ED", postcode.message)
        [price] = sink.about("AO-GOED-03 / C-FOUT-PRIJS")
        self.assertEqual(price.subject, "startmoment")
        self.assertIn("<subsidieerbaarBedrag>", price.message)
        self.assertIn("hoger dan de totale verplichte kosten", price.message)
        [date] = sink.about("AO-GOED-03 / C-FOUT-DATUM")
        self.assertIn("<vastInstroommoment>", date.message)
        self.assertIn("2027-02-30, maar die datum bestaat niet", date.message)
        [category] = sink.about("OPL-FOUT-CATEGORIE")
        self.assertIn("'BLOEMEN'", category.message)
        self.assertIn("ECONOMIE", category.message)
        [child] = sink.about("AO-BLOEMEN")
        self.assertIn("Niet verwerkt", child.message)
        self.assertIn("OPL-FOUT-CATEGORIE", child.message)

    def test_a_date_order_the_register_refuses_names_the_element_of_the_feed(self) -> None:
        sink = self.send(
            x.feed(x.training("OPL-1", x.offer("AO-1", x.cohort("C1", end="2027-01-01"))))
        )

        [line] = sink.about("AO-1 / C1")
        self.assertEqual(line.level, ReportLevel.FOUT)
        self.assertTrue(line.message.startswith("<einddatum>: "), line.message)
        self.assertFalse(Cohort.objects.exists())

    def test_a_flexible_intake_that_ends_before_it_starts_names_eindeinstroomperiode(self) -> None:
        sink = self.send(
            x.feed(
                x.training(
                    "OPL-1",
                    x.offer("AO-1", x.cohort("C1", start="2027-02-01", intake_end="2027-01-01")),
                )
            )
        )

        messages = [line.message for line in sink.about("AO-1 / C1")]
        self.assertTrue(any(m.startswith("<eindeInstroomperiode>: ") for m in messages), messages)

    def test_a_record_in_the_wrong_place_is_a_fout_and_nothing_of_it_is_written(self) -> None:
        for case, (subject, named) in MISPLACED.items():
            with self.subTest(case=case):
                sink = self.send(misplaced(case))

                # The record around it is refused (and so is what is under a refused opleiding).
                error, *under = sink.errors()
                self.assertEqual(error.subject, subject)
                self.assertIn(f"Het element {named} staat hier niet op zijn plaats", error.message)
                self.assertEqual({line.own_key for line in under} - {"AO-1"}, set())
                self.assertFalse(Training.objects.filter(own_key="OPL-ZOEK").exists())
                self.assertFalse(Offer.objects.filter(own_key="AO-ZOEK").exists())
                self.assertFalse(Cohort.objects.filter(code="C-ZOEK").exists())

    def test_the_same_own_key_twice_in_one_file_is_refused_the_second_time(self) -> None:
        sink = self.send(
            x.feed(
                x.training("OPL-1", x.offer("AO-1", x.cohort("C1"), x.cohort("C1"))),
                x.training("OPL-1", x.offer("AO-2")),
            )
        )

        self.assertEqual(Training.objects.filter(own_key="OPL-1").count(), 1)
        self.assertEqual(Cohort.objects.filter(code="C1").count(), 1)
        errors = [line for line in sink.errors() if "al eerder in het bestand" in line.message]
        self.assertEqual([line.own_key for line in errors], ["AO-1 / C1", "OPL-1"])


class ProviderTests(FeedTestCase):
    def test_an_item_naming_another_kvk_number_is_refused_and_writes_nothing(self) -> None:
        other = factories.organisation(kvk_number="90000072", name="Ander B.V.")
        provider_register(actor=factories.ACTOR, organisation=other, name="Ander")

        sink = self.send(
            x.feed(
                x.training("OPL-VREEMD", x.offer("AO-VREEMD"), kvk_number="90000072"),
                x.training("OPL-EIGEN", x.offer("AO-EIGEN"), kvk_number=KVK),
            )
        )

        self.assertEqual(list(Training.objects.values_list("own_key", flat=True)), ["OPL-EIGEN"])
        self.assertEqual(Training.objects.get().provider, self.provider)
        [line] = sink.about("OPL-VREEMD")
        self.assertEqual((line.level, line.subject), (ReportLevel.FOUT, "opleider"))
        self.assertIn("90000072", line.message)
        self.assertIn(KVK, line.message)
        [child] = sink.about("AO-VREEMD")
        self.assertEqual(child.level, ReportLevel.FOUT)

    def test_an_item_naming_another_organisations_provider_is_refused(self) -> None:
        other = factories.organisation(kvk_number="90000073", name="Ander B.V.")
        theirs = provider_register(actor=factories.ACTOR, organisation=other, name="Ander")

        sink = self.send(x.feed(x.training("OPL-1", provider_code=theirs.code)))

        self.assertFalse(Training.objects.exists())
        [line] = sink.about("OPL-1")
        self.assertEqual((line.level, line.subject), (ReportLevel.FOUT, "opleider"))
        self.assertIn(theirs.code, line.message)
        self.assertIn(self.provider.code, line.message)

    def test_with_two_providers_the_opleider_id_chooses_and_is_required(self) -> None:
        second = provider_register(
            actor=factories.ACTOR, organisation=self.organisation, name="Leerhuis Zuid"
        )

        sink = self.send(
            x.feed(
                x.training("OPL-ZUID", x.offer("AO-ZUID"), provider_code=second.code),
                x.training("OPL-ZONDER", x.offer("AO-ZONDER")),
            )
        )

        self.assertEqual(Training.objects.get(own_key="OPL-ZUID").provider, second)
        self.assertEqual(Offer.objects.get(own_key="AO-ZUID").provider, second)
        [line] = sink.about("OPL-ZONDER")
        self.assertIn("<opleiderId>", line.message)

    def test_an_organisation_that_is_no_provider_gets_told_so(self) -> None:
        stranger = factories.organisation(kvk_number="90000074", name="Nieuw B.V.")

        sink = self.send(x.feed(x.training("OPL-1")), organisation=stranger)

        self.assertFalse(Training.objects.exists())
        [line] = sink.about("OPL-1")
        self.assertIn("nog niet als opleider", line.message)

    def test_the_same_own_key_at_two_organisations_is_two_trainings(self) -> None:
        other = factories.organisation(kvk_number="90000075", name="Ander B.V.")
        theirs = provider_register(actor=factories.ACTOR, organisation=other, name="Ander")

        self.send(x.feed(x.training("OPL-1")))
        self.send(x.feed(x.training("OPL-1", name="Hun cursus")), organisation=other)

        self.assertEqual(Training.objects.get(provider=self.provider).name, "Cursus boekhouden")
        self.assertEqual(Training.objects.get(provider=theirs).name, "Hun cursus")


GENERATED = {
    "register.training_registered": {"code"},
    "register.offer_registered": {"scholings_id", "training"},
}


def audited_key(entry: AuditEntry) -> str | None:
    """The own key (or code) of the row an audit entry's object_id names, if it exists."""
    model = apps.get_model(entry.object_type)
    row = model.objects.filter(pk=entry.object_id).first()
    if row is None:
        return None
    return str(getattr(row, "own_key", "") or getattr(row, "code", ""))


class BulkPathTests(FeedTestCase):
    def rows(self, provider: Provider) -> dict[str, Any]:
        trainings = Training.objects.filter(provider=provider)
        offers = Offer.objects.filter(provider=provider).select_related("address", "training")
        cohorts = Cohort.objects.filter(offer__provider=provider).select_related("offer")
        entries = AuditEntry.objects.filter(organisation_kvk=provider.organisation.kvk_number)
        return {
            "trainings": sorted(
                trainings.values_list(
                    "own_key",
                    "name",
                    "short_name",
                    "description",
                    "study_load",
                    "study_load_unit",
                    "nlqf_level",
                    "eqf_level",
                    "value_document",
                    "category",
                    "is_multi_year",
                    "is_funded",
                )
            ),
            "offers": sorted(
                (
                    o.own_key,
                    o.training.own_key,
                    o.location,
                    str(o.address),
                    o.language,
                    o.stap_permission,
                    o.website,
                )
                for o in offers
            ),
            "cohorts": sorted(
                (
                    c.offer.own_key,
                    c.code,
                    c.status,
                    c.enrolment_start,
                    c.enrolment_end,
                    c.start_date,
                    c.intake_end,
                    c.end_date,
                    c.total_price,
                    c.subsidisable_amount,
                    c.teaching_form,
                    c.places_per_year,
                )
                for c in cohorts
            ),
            "prices": sorted(
                CohortPrice.objects.filter(cohort__offer__provider=provider).values_list(
                    "cohort__code", "total_price", "subsidisable_amount", "recorded_by"
                )
            ),
            "audit": sorted(
                (
                    e.action,
                    e.actor_kind,
                    e.actor_id,
                    e.channel,
                    e.object_type,
                    audited_key(e),  # the object_id is the pk of the row the entry is about
                    e.before,
                    sorted((e.after or {}).keys()),
                    # Generated codes differ between the two organisations; the rest may not.
                    sorted(
                        (key, str(value))
                        for key, value in (e.after or {}).items()
                        if key not in GENERATED.get(e.action, set())
                    ),
                )
                for e in entries.filter(action__startswith="register.", channel=Channel.BULK)
            ),
        }

    def test_the_bulk_path_writes_what_the_services_write(self) -> None:
        for number, example in enumerate(("goed", "met-fouten")):
            ours = factories.organisation(kvk_number=f"9000008{number}", name=f"Bulk {number}")
            mine = provider_register(actor=factories.ACTOR, organisation=ours, name="Bulk")
            other = factories.organisation(
                kvk_number=f"9000008{number + 5}", name=f"Dienst {number}"
            )
            theirs = provider_register(actor=factories.ACTOR, organisation=other, name="Dienst")

            self.send(x.example(example), organisation=ours, bulk=True)
            self.send(x.example(example), organisation=other, bulk=False)

            bulk, services = self.rows(mine), self.rows(theirs)
            self.assertEqual(bulk["audit"][0][0], "register.cohort_added")
            self.assertNotIn(None, [entry[5] for entry in bulk["audit"]])
            for part in ("trainings", "offers", "cohorts", "prices", "audit"):
                with self.subTest(example=example, part=part):
                    self.assertEqual(bulk[part], services[part])

    def test_a_batch_the_database_refuses_is_written_one_by_one(self) -> None:
        taken = factories.training(organisation=self.organisation, name="Al bestaand").code
        real = writes.new_training_codes

        def clashing(count: int) -> list[str]:
            return [taken, *real(count - 1)]

        with mock.patch.object(writes, "new_training_codes", clashing):
            sink = self.send(x.feed(x.training("OPL-1"), x.training("OPL-2", x.offer("AO-2"))))

        self.assertEqual(sink.errors(), [])
        self.assertEqual(
            set(Training.objects.exclude(code=taken).values_list("own_key", flat=True)),
            {"OPL-1", "OPL-2"},
        )
        self.assertEqual(
            AuditEntry.objects.filter(
                action="register.training_registered", channel=Channel.BULK
            ).count(),
            2,
        )


class RefusedFileTests(FeedTestCase):
    def test_a_file_that_cannot_be_read_raises_the_refusal_and_writes_nothing(self) -> None:
        with self.assertRaises(FeedRefused):
            self.send(b"%PDF-1.7 dit is geen XML")

        self.assertFalse(Training.objects.exists())

    def test_an_unknown_element_at_the_top_is_a_notice_and_the_rest_is_processed(self) -> None:
        data = x.feed(x.training("OPL-1")).replace(b"<opleiding>", b"<reclame/><opleiding>", 1)

        sink = self.send(data)

        [notice] = sink.notices
        self.assertEqual((notice.level, notice.subject), (ReportLevel.FOUT, "bestand"))
        self.assertIn("<reclame>", notice.message)
        self.assertTrue(Training.objects.filter(own_key="OPL-1").exists())
