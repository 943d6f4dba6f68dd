"""Autorisatiebeheer: a beheerder gives and withdraws the roles of their organisation's users."""

from django.test import TestCase

from stap.core.models import AuditEntry
from stap.identity.models import DuoRole, RoleAssignment
from stap.identity.roles import RoleRuleBroken, role_assign, role_withdraw, roles_of, roles_set
from tests import factories

ACTOR = factories.ACTOR


class RoleTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000031")
        self.beheerder = factories.eherkenning_user(
            organisation=self.organisation, pseudonym="ps-beheerder", roles=(DuoRole.BEHEERDER,)
        )
        self.colleague = factories.eherkenning_user(
            organisation=self.organisation, pseudonym="ps-collega"
        )

    def test_a_role_given_twice_is_held_once(self) -> None:
        for _time in range(2):
            role_assign(
                actor=ACTOR,
                user=self.colleague,
                organisation=self.organisation,
                role=DuoRole.REGISTREREN,
                because="test",
            )

        self.assertEqual(RoleAssignment.objects.filter(user=self.colleague).count(), 1)

    def test_a_withdrawn_role_stops_working_but_stays_in_the_history(self) -> None:
        roles_set(
            actor=ACTOR,
            user=self.colleague,
            organisation=self.organisation,
            add={DuoRole.REGISTREREN},
            remove=set(),
        )
        roles_set(
            actor=ACTOR,
            user=self.colleague,
            organisation=self.organisation,
            add=set(),
            remove={DuoRole.REGISTREREN},
        )

        self.assertEqual(roles_of(user=self.colleague, organisation=self.organisation), set())
        history = RoleAssignment.objects.get(user=self.colleague)
        self.assertIsNotNone(history.withdrawn_at)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_id=str(history.pk))
                .order_by("id")
                .values_list("action", flat=True)
            ),
            ["identity.duo_role_assigned", "identity.duo_role_withdrawn"],
        )

    def test_the_last_beheerder_cannot_be_withdrawn(self) -> None:
        with self.assertRaises(RoleRuleBroken):
            role_withdraw(
                actor=ACTOR,
                user=self.beheerder,
                organisation=self.organisation,
                role=DuoRole.BEHEERDER,
                because="test",
            )

        self.assertIn(
            DuoRole.BEHEERDER, roles_of(user=self.beheerder, organisation=self.organisation)
        )

    def test_a_beheerder_can_go_once_there_is_another(self) -> None:
        role_assign(
            actor=ACTOR,
            user=self.colleague,
            organisation=self.organisation,
            role=DuoRole.BEHEERDER,
            because="test",
        )

        role_withdraw(
            actor=ACTOR,
            user=self.beheerder,
            organisation=self.organisation,
            role=DuoRole.BEHEERDER,
            because="test",
        )

        self.assertEqual(roles_of(user=self.beheerder, organisation=self.organisation), set())

    def test_roles_cannot_be_given_to_someone_of_another_organisation(self) -> None:
        other = factories.organisation(kvk_number="90000032")
        stranger = factories.eherkenning_user(organisation=other, pseudonym="ps-vreemd")

        with self.assertRaises(RoleRuleBroken):
            role_assign(
                actor=ACTOR,
                user=stranger,
                organisation=self.organisation,
                role=DuoRole.REGISTREREN,
                because="test",
            )

    def test_a_change_of_several_roles_is_all_or_nothing(self) -> None:
        with self.assertRaises(RoleRuleBroken):
            roles_set(
                actor=ACTOR,
                user=self.beheerder,
                organisation=self.organisation,
                add={DuoRole.REGISTREREN},
                remove={DuoRole.BEHEERDER},
            )

        self.assertEqual(
            roles_of(user=self.beheerder, organisation=self.organisation), {DuoRole.BEHEERDER}
        )
