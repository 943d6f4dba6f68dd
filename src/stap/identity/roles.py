"""DUO roles of people in organisations (autorisatiebeheer): who has which, assigning, withdrawing.

A role belongs to a user in one organisation. Withdrawing keeps the row, so the history of who
could do what, and who decided it, stays.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.identity.models import DuoRole, Organisation, RoleAssignment, User, UserKind


class RoleRuleBroken(DomainError):
    code = "duo_role_rule_broken"


def active_assignments(*, organisation: Organisation) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(organisation=organisation, withdrawn_at__isnull=True)


def roles_of(*, user: User, organisation: Organisation) -> frozenset[DuoRole]:
    return frozenset(
        DuoRole(role)
        for role in active_assignments(organisation=organisation)
        .filter(user=user)
        .values_list("role", flat=True)
    )


def beheerders_of(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        duo_roles__organisation=organisation,
        duo_roles__role=DuoRole.BEHEERDER,
        duo_roles__withdrawn_at__isnull=True,
    ).order_by("display_name", "id")


def _check_member(user: User, organisation: Organisation) -> None:
    if user.organisation_id != organisation.pk or not user.is_active:
        raise RoleRuleBroken(_("Deze persoon hoort niet (meer) bij uw organisatie."))
    if user.kind not in (UserKind.EHERKENNING, UserKind.TOKEN):
        raise RoleRuleBroken(_("Alleen gebruikers van Mijn DUO zakelijk kunnen rollen krijgen."))


@transaction.atomic
def role_assign(
    *, actor: Actor, user: User, organisation: Organisation, role: DuoRole, because: str
) -> RoleAssignment:
    """Give ``user`` the ``role``; a role the user already has is left as it is."""
    _check_member(user, organisation)
    existing = (
        active_assignments(organisation=organisation)
        .select_for_update()
        .filter(user=user, role=role)
        .first()
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        granted_at=clock.now(),
        granted_by=actor.identifier,
        granted_because=because[:200],
    )
    audit_record(
        actor=actor,
        action="identity.duo_role_assigned",
        target=assignment,
        after={"user": user.username, "role": role, "because": because},
        organisation_kvk=organisation.kvk_number,
    )
    return assignment


@transaction.atomic
def role_withdraw(
    *, actor: Actor, user: User, organisation: Organisation, role: DuoRole, because: str
) -> None:
    """Withdraw ``role`` from ``user``; an organisation never loses its last beheerder this way."""
    assignment = (
        active_assignments(organisation=organisation)
        .select_for_update()
        .filter(user=user, role=role)
        .first()
    )
    if assignment is None:
        return
    if role == DuoRole.BEHEERDER:
        # Lock every beheerder row of the organisation, so two beheerders cannot withdraw each
        # other at the same moment and leave nobody.
        others = list(
            active_assignments(organisation=organisation)
            .select_for_update()
            .filter(role=DuoRole.BEHEERDER)
            .exclude(pk=assignment.pk)
        )
        if not others:
            raise RoleRuleBroken(
                _(
                    "Dit is de laatste beheerder van uw organisatie. Geef eerst iemand anders de "
                    "rol ‘Beheerder RIO Algemeen’, of vraag DUO om hulp."
                )
            )
    _close(assignment, actor=actor, because=because)


@transaction.atomic
def roles_set(
    *,
    actor: Actor,
    user: User,
    organisation: Organisation,
    add: set[DuoRole],
    remove: set[DuoRole],
) -> None:
    """A beheerder's change to one person's roles: all of it, or nothing."""
    for role in sorted(add):
        role_assign(
            actor=actor,
            user=user,
            organisation=organisation,
            role=role,
            because="autorisatiebeheer",
        )
    for role in sorted(remove):
        role_withdraw(
            actor=actor,
            user=user,
            organisation=organisation,
            role=role,
            because="autorisatiebeheer",
        )


def _close(assignment: RoleAssignment, *, actor: Actor, because: str) -> None:
    assignment.withdrawn_at = clock.now()
    assignment.withdrawn_by = actor.identifier
    assignment.withdrawn_because = because[:200]
    assignment.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_because"])
    audit_record(
        actor=actor,
        action="identity.duo_role_withdrawn",
        target=assignment,
        before={"user": assignment.user.username, "role": assignment.role},
        after={"because": because},
        organisation_kvk=assignment.organisation.kvk_number,
    )


def roles_move(
    *, actor: Actor, source: User, target: User, organisation: Organisation
) -> list[str]:
    """Move every active role of ``source`` to ``target`` (linking a token account); run inside
    the caller's transaction."""
    moved = []
    for assignment in (
        active_assignments(organisation=organisation).select_for_update().filter(user=source)
    ):
        role = DuoRole(assignment.role)
        role_assign(
            actor=actor,
            user=target,
            organisation=organisation,
            role=role,
            because=f"gekoppeld tokenaccount {source.username}",
        )
        _close(assignment, actor=actor, because="gekoppeld aan eHerkenning")
        moved.append(role.value)
    return moved
