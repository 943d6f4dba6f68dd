"""Vooraanmeldingen and the uploads that bring them in.

A ``PreRegistration`` (vooraanmelding) says that a provider's student will apply for one of its
offers, so that the student only has to give the studentnummer. It reserves no budget and gives
no priority. One per organisation, studentnummer, offer and start date: sending the same student
again updates it.

A ``PreRegistrationUpload`` is one file as it was sent — kept, with who sent it and when — and a
``StagedRow`` is each of its rows with what the checks found and what became of it. Rows are
checked first (the provider sees the result) and only put in the register of vooraanmeldingen
when the provider commits; rejected rows stay in the upload, to be fixed in the portal.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.core.models import ActorKind
from stap.identity.models import Organisation
from stap.register.models import Cohort, Offer


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XML = "xml", "XML"


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    CHECKING = "checking", _("wordt gecontroleerd")
    CHECKED = "checked", _("gecontroleerd")
    COMMIT_QUEUED = "to_commit", _("in de wachtrij om te verwerken")
    COMMITTING = "committing", _("wordt verwerkt")
    COMMITTED = "committed", _("verwerkt")
    REFUSED = "refused", _("geweigerd")


class RowStatus(models.TextChoices):
    VALID = "valid", _("goed")
    WARNING = "warning", _("goed, met waarschuwing")
    REJECTED = "rejected", _("afgekeurd")


class RowOutcome(models.TextChoices):
    NONE = "", _("nog niet verwerkt")
    CREATED = "created", _("nieuw")
    UPDATED = "updated", _("bijgewerkt")
    UNCHANGED = "unchanged", _("ongewijzigd")
    REFUSED = "refused", _("geweigerd bij verwerken")


class PreRegistrationUpload(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pre_registration_uploads",
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
    created_at = models.DateTimeField(_("ingediend op"))
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    file_format = models.CharField(_("formaat"), max_length=3, choices=FileFormat.choices)
    size = models.PositiveBigIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_as = models.CharField(
        _("opgeslagen als"),
        max_length=255,
        help_text=_("De naam van het bestand zoals het is aangeleverd, in de opslag voor uploads."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    rows_checked = models.PositiveIntegerField(
        _("regels gecontroleerd"), default=0, help_text=_("De voortgang van het controleren.")
    )
    bytes_checked = models.PositiveBigIntegerField(_("bytes gecontroleerd"), default=0)
    rows_read = models.PositiveIntegerField(_("regels gelezen"), default=0)
    rows_valid = models.PositiveIntegerField(_("goed"), default=0)
    rows_warning = models.PositiveIntegerField(_("goed, met waarschuwing"), default=0)
    rows_rejected = models.PositiveIntegerField(_("afgekeurd"), default=0)
    rows_committed = models.PositiveIntegerField(_("verwerkt"), default=0)
    refusal_rule = models.CharField(_("regel van de weigering"), max_length=8, blank=True)
    refusal_values = models.JSONField(_("waarden van de weigering"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    # The register as the check saw it: the day, and a fingerprint per offer looked up
    # (``content.RegisterFacts.digests``); committing checks again only what changed since.
    register_on = models.DateField(_("register van"), null=True, blank=True)
    register_digests = models.JSONField(
        _("vingerafdrukken van het register"), default=dict, blank=True
    )
    committed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    committed_by = models.CharField(_("verwerkt door"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(
        _("verloopt op"),
        null=True,
        blank=True,
        help_text=_("Een upload die zo lang geen voortgang meldt, wordt opnieuw ingepland."),
    )
    claim = models.PositiveIntegerField(
        _("claim"),
        default=0,
        help_text=_(
            "Telt op bij elke keer dat een worker de upload oppakt; een worker die zijn claim "
            "kwijt is, schrijft niets meer."
        ),
    )

    class Meta:
        verbose_name = _("upload van vooraanmeldingen")
        verbose_name_plural = _("uploads van vooraanmeldingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "-created_at"], name="prereg_upload_org_created_idx"
            ),
            models.Index(fields=["status", "lease_expires_at"], name="prereg_upload_lease_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    rows_read=models.F("rows_valid")
                    + models.F("rows_warning")
                    + models.F("rows_rejected")
                ),
                name="prereg_upload_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class PersonFields(models.Model):
    """The student and what they enrol for, as a vooraanmelding and a staged row hold them."""

    studentnummer = models.CharField(_("studentnummer"), max_length=20)
    first_name = models.CharField(_("voornaam"), max_length=200)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=10, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"))
    street = models.CharField(_("straatnaam"), max_length=80, blank=True)
    house_number = models.CharField(_("huisnummer"), max_length=10, blank=True)
    house_number_addition = models.CharField(_("huisnummertoevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("woonplaats"), max_length=80)
    country = models.CharField(_("land"), max_length=2, default="NL")
    email = models.CharField(_("e-mailadres"), max_length=254, blank=True)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    amount = models.DecimalField(_("subsidiebedrag"), max_digits=7, decimal_places=2)
    study_year_start = models.DateField(_("begin studiejaar"), null=True, blank=True)
    study_year_end = models.DateField(_("einde studiejaar"), null=True, blank=True)

    class Meta:
        abstract = True


class PreRegistration(PersonFields):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pre_registrations",
        verbose_name=_("organisatie"),
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangeboden opleiding")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="+", verbose_name=_("startmoment")
    )
    upload = models.ForeignKey(
        PreRegistrationUpload,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("laatst aangeleverd in"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"))
    updated_at = models.DateTimeField(_("bijgewerkt op"))

    class Meta:
        verbose_name = _("vooraanmelding")
        verbose_name_plural = _("vooraanmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "studentnummer", "offer", "start_date"],
                name="prereg_one_per_student_offer_start",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=1000),
                name="prereg_amount_within_stap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studentnummer} → {self.offer_id} ({self.start_date})"


class StagedRow(models.Model):
    """One row of an upload: as sent, what the checks found, and what became of it.

    The values are kept as sent (``raw``), and checked again from the start when the row is fixed
    or when the register its offer is in has changed before the upload is committed;
    ``findings`` lists the rules it broke as ``[rule id, {values}]``, so that messages are
    shown in the reader's language.
    """

    upload = models.ForeignKey(
        PreRegistrationUpload,
        on_delete=models.CASCADE,
        related_name="rows",
        verbose_name=_("upload"),
    )
    number = models.PositiveIntegerField(_("regel"))
    line = models.PositiveIntegerField(_("regel in het bestand"))
    raw = models.JSONField(_("zoals aangeleverd"))
    # For a row that passed the check: its vooraanmelding's values (``checking.typed_values``).
    typed_values = models.JSONField(
        _("gecontroleerde waarden"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    findings = models.JSONField(_("bevindingen"), default=list)
    status = models.CharField(_("uitkomst controle"), max_length=8, choices=RowStatus.choices)
    # The keys of the rules that compare rows (the same student twice), for a well-formed row.
    studentnummer = models.CharField(_("studentnummer"), max_length=20, blank=True)
    scholings_id = models.UUIDField(_("scholings-ID"), null=True, blank=True)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    person = models.CharField(
        _("persoon"),
        max_length=450,
        blank=True,
        help_text=_("Geboortedatum en naam, om één studentnummer bij twee personen te zien."),
    )
    outcome = models.CharField(
        _("uitkomst verwerking"), max_length=9, choices=RowOutcome.choices, blank=True
    )
    pre_registration = models.ForeignKey(
        PreRegistration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vooraanmelding"),
    )
    fixed_at = models.DateTimeField(_("hersteld op"), null=True, blank=True)
    fixed_by = models.CharField(_("hersteld door"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("regel van een upload")
        verbose_name_plural = _("regels van een upload")
        ordering = ["upload", "number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="staged_row_number_unique"),
        ]
        indexes = [
            models.Index(fields=["upload", "status", "number"], name="staged_row_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.number} {self.status}"


# --- Aanmeldingsbewijzen ---------------------------------------------------------------------


class ProofStatus(models.TextChoices):
    ISSUED = "issued", _("geldig")
    REVOKED = "revoked", _("ingetrokken")
    REPLACED = "replaced", _("vervangen")


class RegistrationProof(PersonFields):
    """A STAP-aanmeldingsbewijs: a provider's statement that a student enrolled for one of its
    offers, which the student needs to apply for STAP-budget at UWV.

    It holds the same student and offer data as a vooraanmelding, checked with the same rules,
    and what the PDF shows of the provider and the training as it was when issued
    (``provider_name``, ``provider_code``, ``training_name``, ``cohort_code``), so that a PDF
    downloaded again later says exactly what the first one said.

    **The verification code is stored as it is** (normalised, unique), not as a hash. The
    provider must be able to download the same PDF again, so we need the code itself; a hash
    would only let us print it once. The code is a reference, not a password: holding it proves
    nothing about a person and the public check answers only whether it is valid and for which
    training and provider — never the student's data. Who can read this table can read the
    student's data next to it anyway, so encrypting the code would protect nothing more. What
    keeps codes from being guessed is their 60 random bits and the rate limits of the check.

    Nothing is deleted: a bewijs is revoked (with a reason) or replaced by a new one that points
    back to it (``replaces``), so the history of every student's bewijs stays readable. Only one
    valid bewijs per student, offer and start date exists at a time.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registration_proofs",
        verbose_name=_("organisatie"),
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangeboden opleiding")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="+", verbose_name=_("startmoment")
    )
    provider_name = models.CharField(_("naam van de opleider"), max_length=200)
    provider_code = models.CharField(_("opleider-id"), max_length=7)
    training_name = models.CharField(_("naam van de opleiding"), max_length=225)
    cohort_code = models.CharField(_("cohortcode"), max_length=60)
    code = models.CharField(_("controlecode"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ProofStatus.choices, default=ProofStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("uitgegeven op"))
    issued_by = models.CharField(_("uitgegeven door"), max_length=200)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.CharField(_("ingetrokken door"), max_length=200, blank=True)
    revocation_reason = models.TextField(_("reden van intrekken"), blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("vervangen door"),
    )

    class Meta:
        verbose_name = _("aanmeldingsbewijs")
        verbose_name_plural = _("aanmeldingsbewijzen")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-issued_at"], name="proof_org_issued_idx"),
            models.Index(fields=["organisation", "studentnummer"], name="proof_org_student_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "studentnummer", "offer", "start_date"],
                condition=models.Q(status="issued"),
                name="proof_one_valid_per_student_offer_start",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=1000),
                name="proof_amount_within_stap",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="issued", revoked_at__isnull=True, replaced_by__isnull=True)
                    | (
                        models.Q(
                            status="revoked", revoked_at__isnull=False, replaced_by__isnull=True
                        )
                        & ~models.Q(revocation_reason="")
                    )
                    # A replaced one points to its successor; it is marked replaced a moment
                    # before the successor exists (in the same transaction), so the database
                    # cannot insist on the pointer.
                    | models.Q(status="replaced", revoked_at__isnull=True)
                ),
                name="proof_status_matches_its_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studentnummer} → {self.training_name} ({self.get_status_display()})"

    @property
    def student_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.name_prefix, self.last_name) if part
        )

    @property
    def is_valid(self) -> bool:
        return self.status == ProofStatus.ISSUED
