"""Signing in to Mijn DUO with a token generator, DUO's switch notice, linking to eHerkenning."""

import datetime as dt

from django.test import TestCase

import pyotp
import time_machine

from stap.core.models import AuditEntry
from stap.identity import token_generator
from stap.identity.models import DuoRole, SwitchNotice, TokenGenerator, User, UserKind
from stap.identity.roles import roles_of
from stap.identity.signin import EHerkenningIdentity
from stap.identity.token_accounts import (
    Refusal,
    SwitchState,
    TokenRuleBroken,
    TokenSignInRefused,
    switch_notice_send,
    switch_state,
    token_account_link,
    token_enrolment_confirm,
    token_enrolment_start,
    token_sign_in,
)
from tests import factories
from tests.mailbox import queued_emails

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = dt.datetime(2026, 11, 2, 11, 0, 5, tzinfo=dt.UTC)


def code_at(moment: dt.datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(moment)


@time_machine.travel(NOON, tick=False)
class TokenSignInTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.legacy_organisation(kvk_number="90000011")
        self.user = factories.token_user(organisation=self.organisation)

    def sign_in(self, code: str | None = None, password: str = factories.TOKEN_PASSWORD) -> User:
        return token_sign_in(username="j.jansen", password=password, code=code or code_at(NOON))

    def assertRefused(self, reason: Refusal, **kwargs: str) -> None:
        with self.assertRaises(TokenSignInRefused) as caught:
            self.sign_in(**kwargs)
        self.assertEqual(caught.exception.reason, reason)

    def test_a_token_user_signs_in_with_password_and_the_current_code(self) -> None:
        self.assertEqual(self.sign_in(), self.user)

    def test_a_code_cannot_be_used_twice(self) -> None:
        self.sign_in()

        self.assertRefused(Refusal.REUSED_CODE)

    def test_the_code_of_the_previous_30_seconds_still_works_once(self) -> None:
        self.sign_in(code_at(NOON - dt.timedelta(seconds=30)))

        self.assertRefused(Refusal.REUSED_CODE, code=code_at(NOON - dt.timedelta(seconds=30)))

    def test_a_code_from_two_minutes_ago_is_refused(self) -> None:
        self.assertRefused(Refusal.INVALID, code=code_at(NOON - dt.timedelta(minutes=2)))

    def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(self) -> None:
        self.assertRefused(Refusal.INVALID, password="niet-het-wachtwoord")

    def test_an_unknown_username_is_refused_the_same_way(self) -> None:
        with self.assertRaises(TokenSignInRefused) as caught:
            token_sign_in(username="onbekend", password="x", code="123456")
        self.assertEqual(caught.exception.reason, Refusal.INVALID)

    def test_five_failures_lock_the_account_even_for_the_right_code(self) -> None:
        for _attempt in range(5):
            self.assertRefused(Refusal.INVALID, code="000000")

        self.assertRefused(Refusal.LOCKED)

    def test_every_attempt_is_audited_without_the_password_or_code(self) -> None:
        self.sign_in()
        self.assertRefused(Refusal.REUSED_CODE)

        actions = list(
            AuditEntry.objects.filter(actor_id="token:j.jansen")
            .order_by("id")
            .values_list("action", "after")
        )
        self.assertEqual(
            actions,
            [
                ("identity.token_signed_in", None),
                ("identity.token_signed_in_refused", {"reason": "reused_code"}),
            ],
        )

    def test_an_account_without_a_set_up_generator_is_sent_to_enrolment(self) -> None:
        factories.token_user(organisation=self.organisation, username="nieuw", secret=None)

        with self.assertRaises(TokenSignInRefused) as caught:
            token_sign_in(username="nieuw", password=factories.TOKEN_PASSWORD, code="123456")

        self.assertEqual(caught.exception.reason, Refusal.NOT_ENROLLED)


@time_machine.travel(NOON, tick=False)
class EnrolmentTests(TestCase):
    def setUp(self) -> None:
        organisation = factories.legacy_organisation(kvk_number="90000012")
        self.user = factories.token_user(organisation=organisation, username="nieuw", secret=None)

    def test_enrolment_creates_a_secret_that_the_first_code_confirms(self) -> None:
        token_enrolment_start(username="nieuw", password=factories.TOKEN_PASSWORD)
        generator = TokenGenerator.objects.get(user=self.user)

        token_enrolment_confirm(user=self.user, code=code_at(NOON, generator.secret))

        generator.refresh_from_db()
        self.assertIsNotNone(generator.confirmed_at)
        self.assertEqual(len(generator.secret), 32)

    def test_the_confirming_code_cannot_then_be_used_to_sign_in(self) -> None:
        token_enrolment_start(username="nieuw", password=factories.TOKEN_PASSWORD)
        secret = TokenGenerator.objects.get(user=self.user).secret
        token_enrolment_confirm(user=self.user, code=code_at(NOON, secret))

        with self.assertRaises(TokenSignInRefused) as caught:
            token_sign_in(
                username="nieuw", password=factories.TOKEN_PASSWORD, code=code_at(NOON, secret)
            )
        self.assertEqual(caught.exception.reason, Refusal.REUSED_CODE)

    def test_a_set_up_generator_cannot_be_replaced_with_only_the_password(self) -> None:
        token_enrolment_start(username="nieuw", password=factories.TOKEN_PASSWORD)
        secret = TokenGenerator.objects.get(user=self.user).secret
        token_enrolment_confirm(user=self.user, code=code_at(NOON, secret))

        with self.assertRaises(TokenSignInRefused) as caught:
            token_enrolment_start(username="nieuw", password=factories.TOKEN_PASSWORD)
        self.assertEqual(caught.exception.reason, Refusal.ALREADY_ENROLLED)

    def test_the_qr_code_carries_the_secret_in_an_otpauth_uri(self) -> None:
        uri = token_generator.provisioning_uri(SECRET, account="nieuw")

        self.assertTrue(uri.startswith("otpauth://totp/"))
        self.assertIn(f"secret={SECRET}", uri)
        self.assertIn("<svg", token_generator.qr_code_svg(uri))
        self.assertEqual(token_generator.grouped("ABCDEFGH"), "ABCD EFGH")


class NewOrganisationTests(TestCase):
    def test_a_new_organisation_cannot_get_token_accounts(self) -> None:
        organisation = factories.organisation(kvk_number="90000013")

        with self.assertRaises(TokenRuleBroken):
            factories.token_user(organisation=organisation)


@time_machine.travel(NOON, tick=False)
class SwitchNoticeTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.legacy_organisation(kvk_number="90000014")
        self.user = factories.token_user(organisation=self.organisation)
        self.staff = factories.ACTOR

    def send(self, switch_date: dt.date = dt.date(2026, 12, 31)) -> SwitchNotice:
        return switch_notice_send(
            actor=self.staff, organisation=self.organisation, switch_date=switch_date
        )

    def test_before_the_notice_token_sign_in_works_without_a_notice(self) -> None:
        self.assertEqual(switch_state(self.organisation), SwitchState.NONE)

    def test_after_the_notice_token_sign_in_still_works_until_the_switch_date(self) -> None:
        self.send()

        self.assertEqual(switch_state(self.organisation), SwitchState.NOTIFIED)
        token_sign_in(username="j.jansen", password=factories.TOKEN_PASSWORD, code=code_at(NOON))

    def test_from_the_switch_date_token_sign_in_is_refused_with_the_date(self) -> None:
        self.send(dt.date(2026, 11, 20))

        switch_day = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
        with (
            time_machine.travel(switch_day, tick=False),
            self.assertRaises(TokenSignInRefused) as caught,
        ):
            token_sign_in(
                username="j.jansen",
                password=factories.TOKEN_PASSWORD,
                code=code_at(switch_day),
            )
        self.assertEqual(caught.exception.reason, Refusal.SWITCHED)
        self.assertEqual(caught.exception.switch_date, dt.date(2026, 11, 20))

    def test_the_switch_refusal_comes_only_after_a_correct_password(self) -> None:
        self.send(dt.date(2026, 11, 20))

        with (
            time_machine.travel(dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC), tick=False),
            self.assertRaises(TokenSignInRefused) as caught,
        ):
            token_sign_in(username="j.jansen", password="fout", code="123456")
        self.assertEqual(caught.exception.reason, Refusal.INVALID)

    def test_a_switch_date_today_or_earlier_is_refused(self) -> None:
        with self.assertRaises(TokenRuleBroken):
            self.send(dt.date(2026, 11, 2))
        self.assertFalse(SwitchNotice.objects.exists())

    def test_a_notice_is_sent_once(self) -> None:
        self.send()

        with self.assertRaises(TokenRuleBroken):
            self.send(dt.date(2027, 1, 31))

    def test_token_users_are_emailed_the_steps(self) -> None:
        self.send()

        [email] = queued_emails()
        self.assertEqual(email.to, ["j.jansen@example.nl"])
        self.assertIn("31-12-2026", email.body)
        self.assertIn("Mijn DUO voor zakelijke gebruikers", email.body)
        self.assertIn("EH3", email.body)
        self.assertIn("Toegang Mijn DUO", email.body)

    def test_no_new_token_users_after_the_notice(self) -> None:
        self.send()

        with self.assertRaises(TokenRuleBroken):
            factories.token_user(organisation=self.organisation, username="later")


class LinkTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.legacy_organisation(kvk_number="90000015", name="Oud B.V.")
        self.token_user = factories.token_user(
            organisation=self.organisation, roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN)
        )
        self.eherkenning_user = factories.eherkenning_user(organisation=self.organisation)
        self.eherkenning_user.display_name = ""
        self.eherkenning_user.save()

    def identity(self, kvk_number: str = "90000015") -> EHerkenningIdentity:
        return EHerkenningIdentity(
            service="mijn_duo", kvk_number=kvk_number, pseudonym="ps-test", level="EH3"
        )

    def test_linking_moves_the_roles_to_the_eherkenning_identity(self) -> None:
        token_account_link(
            token_user=self.token_user,
            eherkenning_user=self.eherkenning_user,
            identity=self.identity(),
        )

        self.assertEqual(
            roles_of(user=self.eherkenning_user, organisation=self.organisation),
            {DuoRole.BEHEERDER, DuoRole.REGISTREREN},
        )
        self.assertEqual(roles_of(user=self.token_user, organisation=self.organisation), set())
        self.eherkenning_user.refresh_from_db()
        self.assertEqual(self.eherkenning_user.display_name, "J Jansen")

    def test_linking_retires_the_token_for_good(self) -> None:
        token_account_link(
            token_user=self.token_user,
            eherkenning_user=self.eherkenning_user,
            identity=self.identity(),
        )

        self.token_user.refresh_from_db()
        self.assertFalse(self.token_user.is_active)
        self.assertEqual(self.token_user.linked_to, self.eherkenning_user)
        self.assertFalse(TokenGenerator.objects.filter(user=self.token_user).exists())
        with self.assertRaises(TokenSignInRefused) as caught:
            token_sign_in(username="j.jansen", password=factories.TOKEN_PASSWORD, code="123456")
        self.assertEqual(caught.exception.reason, Refusal.INVALID)

    def test_eherkenning_for_another_kvk_number_is_refused_and_nothing_changes(self) -> None:
        other = factories.organisation(kvk_number="90000016")
        stranger = factories.eherkenning_user(organisation=other)

        with self.assertRaises(TokenRuleBroken) as caught:
            token_account_link(
                token_user=self.token_user,
                eherkenning_user=stranger,
                identity=self.identity("90000016"),
            )

        self.assertIn("90000015", str(caught.exception))
        self.token_user.refresh_from_db()
        self.assertTrue(self.token_user.is_active)
        self.assertEqual(
            roles_of(user=self.token_user, organisation=self.organisation),
            {DuoRole.BEHEERDER, DuoRole.REGISTREREN},
        )

    def test_the_link_is_audited_with_the_roles_that_moved(self) -> None:
        token_account_link(
            token_user=self.token_user,
            eherkenning_user=self.eherkenning_user,
            identity=self.identity(),
        )

        entry = AuditEntry.objects.get(action="identity.token_account_linked")
        assert entry.after is not None
        self.assertEqual(
            sorted(entry.after["roles"]), ["beheerder_rio_algemeen", "registreren_scholingsaanbod"]
        )
        self.assertEqual(entry.organisation_kvk, "90000015")
        self.assertEqual(self.eherkenning_user.kind, UserKind.EHERKENNING)
