from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PORTAL = "portal", _("portaal")
    API = "api", _("API")
    BULK = "bulk", _("bulkbestand")
    BACKOFFICE = "backoffice", _("backoffice")
    SIGN_IN = "sign_in", _("inloggen")
    SYSTEM = "system", _("systeem")


class ActorKind(models.TextChoices):
    PERSON = "person", _("persoon namens organisatie")
    CITIZEN = "citizen", _("burger")
    STAFF = "staff", _("medewerker")
    SYSTEM = "system", _("systeem")


class AuditEntry(models.Model):
    """One state change: who, through which channel, what, when, before and after.

    Written by ``stap.core.audit.audit_record`` inside the transaction of the change, so a change
    without its audit entry cannot be committed. Never updated or deleted.
    """

    at = models.DateTimeField(_("tijdstip"), db_index=True)
    actor_kind = models.CharField(_("soort actor"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(
        _("actor"),
        max_length=200,
        help_text=_("Pseudoniem van de persoon, gebruikersnaam van de medewerker of systeemnaam."),
    )
    organisation_kvk = models.CharField(_("KvK-nummer"), max_length=8, blank=True, db_index=True)
    channel = models.CharField(_("kanaal"), max_length=16, choices=Channel.choices)
    action = models.CharField(_("handeling"), max_length=100, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=100, blank=True)
    before = models.JSONField(_("voor"), null=True, blank=True)
    after = models.JSONField(_("na"), null=True, blank=True)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditregels")
        ordering = ["-at", "-id"]
        indexes = [
            # The provider-visible trail of one record.
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"


class NumberSequence(models.Model):
    """A gap-tolerant counter for human-facing numbers (aanvraagnummers), safe under concurrency."""

    name = models.CharField(max_length=50, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("nummerreeks")
        verbose_name_plural = _("nummerreeksen")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"
