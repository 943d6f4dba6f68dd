"""The audit trail. Every service writes its entry in the transaction of its change."""

from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from stap.core import clock
from stap.core.models import ActorKind, AuditEntry, Channel


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who does something, and through which channel."""

    kind: ActorKind
    identifier: str
    channel: Channel
    organisation_kvk: str = ""

    @classmethod
    def system(cls, name: str) -> "Actor":
        return cls(kind=ActorKind.SYSTEM, identifier=name, channel=Channel.SYSTEM)


class AuditOutsideTransaction(RuntimeError):
    """An audit entry must commit or roll back together with the change it describes."""


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_kvk: str | None = None,
) -> AuditEntry:
    """Record ``action`` by ``actor`` on ``target``; call it inside the service's transaction."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"audit entry for {action!r} written outside a transaction")
    return AuditEntry.objects.create(
        at=clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.identifier,
        organisation_kvk=organisation_kvk
        if organisation_kvk is not None
        else actor.organisation_kvk,
        channel=actor.channel,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
    )
