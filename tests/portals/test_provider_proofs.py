"""Aanmeldingsbewijzen in the Opleidersportaal: list, issue with the rules' messages on their
fields, download, revoke, replace; only the organisation's own, and only looking for someone whose
machtiging is limited to one vestiging."""

from typing import Any

from django.urls import reverse

from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.prereg import fields as f
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.services import proof_issue
from tests.enrolments.register_fixture import (
    Register,
    RegisterTestCase,
    good_row,
)
from tests.enrolments.test_proofs_services import issued
from tests.signin import sign_in_provider


def form_data(register: Register, **changes: str) -> dict[str, str]:
    """What the issue form posts for ``good_row``: the startmoment instead of the register ids."""
    row = good_row(register, **changes)
    cohort = changes.get("startmoment", str(register.cohort.pk))
    data = {
        name: value
        for name, value in row.items()
        if name not in (f.SCHOLINGS_ID, f.COHORTCODE, f.EMAIL)
    }
    data["startmoment"] = cohort
    return data


class ProofPortalTestCase(RegisterTestCase):
    def sign_in(self, **extra: Any) -> None:
        sign_in_provider(self.client, kvk_number=self.register.organisation.kvk_number, **extra)

    def issue(self, **changes: str) -> RegistrationProof:
        return issued(self.register, **changes)

    def foreign_proof(self) -> RegistrationProof:
        """A bewijs of another organisation, issued by one of its own people."""
        other = self.register.foreign.provider.organisation
        actor = Actor(
            kind=ActorKind.PERSON,
            identifier="ps-ander",
            channel=Channel.PORTAL,
            organisation_kvk=other.kvk_number,
        )
        return proof_issue(
            actor=actor,
            organisation=other,
            text=good_row(
                self.register,
                studentnummer="X1",
                achternaam="Vreemd",
                scholings_id=str(self.register.foreign.scholings_id),
                cohortcode="W-1",
                einddatum="",
            ),
        ).proof


class SignedOutTests(ProofPortalTestCase):
    def test_every_page_sends_a_signed_out_visitor_to_the_start_page(self) -> None:
        proof = self.issue()
        for url in (
            reverse("provider:proofs"),
            reverse("provider:proof_new"),
            reverse("provider:proof_detail", args=[proof.pk]),
            reverse("provider:proof_pdf", args=[proof.pk]),
            reverse("provider:proof_revoke", args=[proof.pk]),
            reverse("provider:proof_replace", args=[proof.pk]),
        ):
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), reverse("provider:start"))


class ListTests(ProofPortalTestCase):
    def test_the_nav_leads_to_the_aanmeldingsbewijzen(self) -> None:
        self.sign_in()

        response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, reverse("provider:proofs"))
        self.assertContains(response, "Aanmeldingsbewijzen")

    def test_it_lists_the_organisations_own_bewijzen_only(self) -> None:
        self.issue()
        self.foreign_proof()
        self.sign_in()

        response = self.client.get(reverse("provider:proofs"))

        self.assertContains(response, "Anna de Vries")
        self.assertContains(response, "1 aanmeldingsbewijs gevonden.")
        self.assertNotContains(response, "Vreemd")

    def test_it_searches_by_studentnummer_or_name(self) -> None:
        self.issue()
        self.issue(studentnummer="S2026002", voornaam="Bram", tussenvoegsel="", achternaam="Bakker")
        self.sign_in()

        response = self.client.get(reverse("provider:proofs"), {"q": "bakker"})

        self.assertContains(response, "Bram Bakker")
        self.assertNotContains(response, "Anna de Vries")

    def test_it_pages_through_many_bewijzen(self) -> None:
        for number in range(27):
            self.issue(studentnummer=f"S{number:04d}")
        self.sign_in()

        first = self.client.get(reverse("provider:proofs"))
        second = self.client.get(reverse("provider:proofs"), {"pagina": "2"})

        self.assertEqual(len(first.context["page"].object_list), 25)
        self.assertContains(first, "Pagina 1 van 2")
        self.assertEqual(len(second.context["page"].object_list), 2)

    def test_without_bewijzen_it_says_what_will_appear_here(self) -> None:
        self.sign_in()

        response = self.client.get(reverse("provider:proofs"))

        self.assertContains(response, "Nog geen aanmeldingsbewijzen")
        self.assertContains(response, reverse("provider:proof_new"))


class IssueTests(ProofPortalTestCase):
    def test_the_form_offers_the_open_startmomenten_of_the_organisations_own_offers(
        self,
    ) -> None:
        self.sign_in()

        response = self.client.get(reverse("provider:proof_new"))

        self.assertContains(response, "Cursus Excel — EXC-2027-01 (11-01-2027)")
        self.assertContains(response, "EXC-FLEX (01-02-2027 – 31-03-2027)")
        self.assertNotContains(response, "EXC-VOL")
        self.assertNotContains(response, "W-1")

    def test_a_good_bewijs_is_issued_and_its_page_offers_the_pdf(self) -> None:
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"), form_data(self.register), follow=True
        )

        proof = RegistrationProof.objects.get()
        self.assertRedirects(response, reverse("provider:proof_detail", args=[proof.pk]))
        self.assertContains(response, "Het aanmeldingsbewijs is gemaakt.")
        self.assertContains(response, shown(proof.code))
        self.assertContains(response, reverse("provider:proof_pdf", args=[proof.pk]))
        self.assertEqual(proof.issued_by, "pseudo-1")

    def test_each_finding_is_shown_with_its_hint_on_its_field_and_nothing_is_written(
        self,
    ) -> None:
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"),
            form_data(self.register, achternaam="", postcode="12345", subsidiebedrag="950,00"),
        )

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(
            form.errors["achternaam"],
            ["Het veld ‘achternaam’ is leeg. Vul ‘achternaam’ in; het is verplicht."],
        )
        self.assertIn("geen Nederlandse postcode", form.errors["postcode"][0])
        self.assertIn("4 cijfers en 2 letters", form.errors["postcode"][0])
        self.assertContains(response, 'id="id_achternaam-error"')
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(RegistrationProof.objects.exists())

    def test_rules_of_the_register_are_shown_on_the_startmoment_and_the_amount(self) -> None:
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"),
            form_data(self.register, subsidiebedrag="950,00", startdatum="2027-01-12"),
        )

        form = response.context["form"]
        self.assertIn("hoger dan het STAP-subsidiabele bedrag", form.errors["subsidiebedrag"][0])
        self.assertIn("buiten de instroomperiode", form.errors["startdatum"][0])
        self.assertFalse(RegistrationProof.objects.exists())

    def test_without_a_startmoment_it_asks_to_choose_one_and_checks_the_rest_too(self) -> None:
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"), form_data(self.register, startmoment="", voornaam="")
        )

        form = response.context["form"]
        self.assertIn("Kies de opleiding en het startmoment", form.errors["startmoment"][0])
        self.assertEqual(len(form.errors["startmoment"]), 1)
        self.assertIn("voornaam", form.errors)

    def test_another_organisations_startmoment_cannot_be_chosen(self) -> None:
        foreign_cohort = self.register.foreign.cohorts.get()
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"),
            form_data(self.register, startmoment=str(foreign_cohort.pk)),
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("startmoment", response.context["form"].errors)
        self.assertFalse(RegistrationProof.objects.exists())

    def test_a_warning_does_not_stop_the_bewijs_and_is_shown_after(self) -> None:
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_new"),
            form_data(self.register, subsidiebedrag="800,00"),
            follow=True,
        )

        self.assertTrue(RegistrationProof.objects.exists())
        self.assertContains(response, "Let op: Het subsidiebedrag € 800,00 is lager")

    def test_a_second_bewijs_for_the_same_student_links_to_the_valid_one(self) -> None:
        existing = self.issue()
        self.sign_in()

        response = self.client.post(reverse("provider:proof_new"), form_data(self.register))

        self.assertContains(response, "al een geldig aanmeldingsbewijs")
        self.assertContains(response, reverse("provider:proof_detail", args=[existing.pk]))
        self.assertEqual(RegistrationProof.objects.count(), 1)


class DetailTests(ProofPortalTestCase):
    def test_another_organisations_bewijs_answers_404_on_every_page(self) -> None:
        foreign = self.foreign_proof()
        self.sign_in()

        for name in ("proof_detail", "proof_pdf", "proof_revoke", "proof_replace"):
            with self.subTest(name):
                response = self.client.get(reverse(f"provider:{name}", args=[foreign.pk]))
                self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("provider:proof_revoke", args=[foreign.pk]), {"reden": "Weg."}
        )
        self.assertEqual(response.status_code, 404)
        foreign.refresh_from_db()
        self.assertEqual(foreign.status, ProofStatus.ISSUED)

    def test_the_pdf_downloads_and_the_download_is_in_the_trail(self) -> None:
        proof = self.issue()
        self.sign_in()

        response = self.client.get(reverse("provider:proof_pdf", args=[proof.pk]))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertTrue(
            AuditEntry.objects.filter(
                action="enrolments.registration_proof_downloaded", object_id=str(proof.pk)
            ).exists()
        )

    def test_the_history_shows_every_step(self) -> None:
        proof = self.issue()
        self.sign_in()
        self.client.get(reverse("provider:proof_pdf", args=[proof.pk]))

        response = self.client.get(reverse("provider:proof_detail", args=[proof.pk]))

        self.assertContains(response, "uitgegeven")
        self.assertContains(response, "PDF gedownload")


class RevokeTests(ProofPortalTestCase):
    def test_a_bewijs_is_revoked_with_a_reason_and_its_pdf_is_no_longer_handed_out(
        self,
    ) -> None:
        proof = self.issue()
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_revoke", args=[proof.pk]),
            {"reden": "De student heeft zich afgemeld."},
            follow=True,
        )

        self.assertContains(response, "Het aanmeldingsbewijs is ingetrokken.")
        self.assertContains(response, "De student heeft zich afgemeld.")
        self.assertNotContains(response, reverse("provider:proof_pdf", args=[proof.pk]))
        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.REVOKED)

        download = self.client.get(reverse("provider:proof_pdf", args=[proof.pk]), follow=True)
        self.assertNotEqual(download["Content-Type"], "application/pdf")
        self.assertContains(download, "u kunt de PDF niet meer downloaden")

    def test_revoking_without_a_reason_says_to_give_one(self) -> None:
        proof = self.issue()
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_revoke", args=[proof.pk]), {"reden": ""}
        )

        self.assertContains(response, "Vul een reden in")
        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.ISSUED)


class ReplaceTests(ProofPortalTestCase):
    def test_the_replace_form_is_filled_in_from_the_old_bewijs(self) -> None:
        proof = self.issue()
        self.sign_in()

        response = self.client.get(reverse("provider:proof_replace", args=[proof.pk]))

        form = response.context["form"]
        self.assertEqual(form["achternaam"].value(), "Vries")
        self.assertEqual(form["geboortedatum"].value(), "1990-05-17")
        self.assertEqual(form["subsidiebedrag"].value(), "900,00")
        self.assertEqual(form["startmoment"].value(), str(self.register.cohort.pk))

    def test_replacing_issues_a_new_bewijs_and_the_old_one_points_to_it(self) -> None:
        old = self.issue()
        self.sign_in()

        response = self.client.post(
            reverse("provider:proof_replace", args=[old.pk]),
            form_data(self.register, subsidiebedrag="850,00"),
            follow=True,
        )

        old.refresh_from_db()
        new = old.replaced_by
        assert new is not None
        self.assertRedirects(response, reverse("provider:proof_detail", args=[new.pk]))
        self.assertEqual(old.status, ProofStatus.REPLACED)
        self.assertContains(response, "Versies")

        old_page = self.client.get(reverse("provider:proof_detail", args=[old.pk]))
        self.assertContains(old_page, "vervangen door een nieuw aanmeldingsbewijs")
        self.assertContains(old_page, reverse("provider:proof_detail", args=[new.pk]))


class ReadOnlyTests(ProofPortalTestCase):
    def test_a_branch_limited_machtiging_may_look_and_download_but_not_change(self) -> None:
        proof = self.issue()
        self.sign_in(vestigingsnummer="000012345678")

        self.assertEqual(self.client.get(reverse("provider:proofs")).status_code, 200)
        detail = self.client.get(reverse("provider:proof_detail", args=[proof.pk]))
        self.assertContains(detail, reverse("provider:proof_pdf", args=[proof.pk]))
        self.assertNotContains(detail, reverse("provider:proof_revoke", args=[proof.pk]))
        self.assertNotContains(detail, reverse("provider:proof_replace", args=[proof.pk]))
        for url, data in (
            (reverse("provider:proof_new"), form_data(self.register, studentnummer="S9")),
            (reverse("provider:proof_revoke", args=[proof.pk]), {"reden": "Weg."}),
            (reverse("provider:proof_replace", args=[proof.pk]), form_data(self.register)),
        ):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "alleen kijken", status_code=403)
                self.assertEqual(self.client.post(url, data).status_code, 403)
        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.ISSUED)
        self.assertEqual(RegistrationProof.objects.count(), 1)
