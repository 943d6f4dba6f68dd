"""Bulk uploads: one run per uploaded file, with progress and a report line per item.

Generic over the file's kind (``BulkKind``); what a kind means lives in its format
(``stap.bulk.formats``). The uploaded bytes are kept in the database with their SHA-256, as signed
forms are (ADR 0008), so a run can be processed again after a crash and shown later.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.core.models import ActorKind
from stap.identity.models import Organisation


class BulkKind(models.TextChoices):
    SCHOLINGSAANBOD = "scholingsaanbod", _("scholingsaanbod (XML-feed)")


class BulkRunStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("wordt verwerkt")
    DONE = "done", _("verwerkt")
    FAILED = "failed", _("niet verwerkt")


class ReportLevel(models.TextChoices):
    INFO = "INFO", _("informatie")
    FOUT = "FOUT", _("fout")


class BulkRun(models.Model):
    """One uploaded file and its processing."""

    kind = models.CharField(_("soort"), max_length=32, choices=BulkKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="bulk_runs",
        verbose_name=_("organisatie"),
    )
    created_by = models.CharField(
        _("ingediend door"),
        max_length=200,
        help_text=_("Pseudoniem of gebruikersnaam van wie het bestand aanleverde."),
    )
    created_by_kind = models.CharField(
        _("soort indiener"), max_length=16, choices=ActorKind.choices
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("grootte in bytes"))
    data = models.BinaryField(_("bestand"))
    status = models.CharField(
        _("status"), max_length=8, choices=BulkRunStatus.choices, default=BulkRunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("onderdelen"), default=0)
    processed = models.PositiveIntegerField(_("verwerkt"), default=0)
    info_count = models.PositiveIntegerField(_("zonder fout"), default=0)
    error_count = models.PositiveIntegerField(_("met fout"), default=0)
    failure = models.TextField(
        _("reden"), blank=True, help_text=_("Waarom het bestand als geheel niet is verwerkt.")
    )
    created_at = models.DateTimeField(_("ingediend op"))
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        _("verloopt op"),
        null=True,
        blank=True,
        help_text=_("Een run die zo lang geen voortgang meldt, wordt opnieuw ingepland."),
    )
    claim = models.UUIDField(
        _("claim"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Nieuw bij elke keer dat een worker de run oppakt; alleen die worker mag de run "
            "bijwerken."
        ),
    )
    attempts = models.PositiveSmallIntegerField(
        _("pogingen"), default=0, help_text=_("Hoe vaak een worker de run heeft opgepakt.")
    )

    class Meta:
        verbose_name = _("bulkrun")
        verbose_name_plural = _("bulkruns")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The organisation's uploads, newest first (bulk_runs_for_organisation).
            models.Index(fields=["organisation", "-created_at"], name="bulk_run_org_created_idx"),
            # Runs whose worker stopped reporting (bulk_runs_requeue_stale).
            models.Index(fields=["status", "lease_expires_at"], name="bulk_run_status_lease_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")),
                name="bulk_run_processed_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(processed=models.F("info_count") + models.F("error_count")),
                name="bulk_run_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {BulkRunStatus.DONE, BulkRunStatus.FAILED}

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        return self.processed * 100 // self.total if self.total else 0


class BulkReportLine(models.Model):
    """One line of the verwerkingsverslag: what happened to one item, or what is wrong with it."""

    run = models.ForeignKey(
        BulkRun, on_delete=models.CASCADE, related_name="report_lines", verbose_name=_("run")
    )
    sequence = models.PositiveIntegerField(_("volgnummer"))
    level = models.CharField(_("signaal"), max_length=4, choices=ReportLevel.choices)
    subject = models.CharField(
        _("onderwerp"),
        max_length=40,
        help_text=_("Bijvoorbeeld opleider, opleiding, aangebodenOpleiding, startmoment, locatie."),
    )
    own_key = models.CharField(_("eigen sleutel"), max_length=200, blank=True)
    code = models.CharField(
        _("code"),
        max_length=100,
        blank=True,
        help_text=_("Onze code: opleidingscode, scholings-ID of cohortcode."),
    )
    message = models.TextField(_("melding"))
    line = models.PositiveIntegerField(_("regel in het bestand"), null=True, blank=True)

    class Meta:
        verbose_name = _("regel van het verwerkingsverslag")
        verbose_name_plural = _("regels van het verwerkingsverslag")
        ordering = ["run", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "sequence"], name="bulk_report_line_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.subject} {self.own_key}: {self.message[:60]}"
