"""Reads for Mijn DUO zakelijk, always scoped to one organisation."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from stap.identity.models import (
    AccessRequest,
    AccessRequestStatus,
    DuoRole,
    Organisation,
    RoleAssignment,
    User,
    UserKind,
)


@dataclass(frozen=True, kw_only=True)
class UserRow:
    """One line of the beheerder's overview: who still has to switch to eHerkenning?"""

    user: User
    roles: list[str]
    means: str  # "token" or "eherkenning"
    last_sign_in: dt.datetime | None


def users_with_roles(*, organisation: Organisation) -> list[UserRow]:
    active = RoleAssignment.objects.filter(organisation=organisation, withdrawn_at__isnull=True)
    users = (
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            kind__in=[UserKind.TOKEN, UserKind.EHERKENNING],
        )
        .prefetch_related(Prefetch("duo_roles", queryset=active, to_attr="active_roles"))
        .order_by("display_name", "username")
    )
    return [
        UserRow(
            user=user,
            roles=[str(DuoRole(a.role).label) for a in user.active_roles],
            means="token" if user.kind == UserKind.TOKEN else "eherkenning",
            last_sign_in=user.last_login,
        )
        for user in users
    ]


def open_access_requests(*, kvk_number: str) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(
        kvk_number=kvk_number,
        status__in=[
            AccessRequestStatus.AWAITING_SIGNATURE,
            AccessRequestStatus.SUBMITTED,
            AccessRequestStatus.CHECKED,
        ],
    ).order_by("-created_at")
