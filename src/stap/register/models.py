"""The STAP-scholingsregister, after DUO's RIO model: provider → training → offer → cohort."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

from stap.identity.models import Organisation
from stap.register.values import (
    Category,
    CohortStatus,
    EqfLevel,
    Language,
    NlqfLevel,
    RecognitionKind,
    StapPermission,
    StudyLoadUnit,
    TeachingForm,
    ValueDocument,
)

PROVIDER_CODE_PATTERN = r"^[0-9]{3}[A-Z][0-9]{3}$"
TRAINING_CODE_PATTERN = r"^[0-9]{4}O[0-9]{4}$"
POSTCODE_PATTERN = r"^[1-9][0-9]{3} [A-Z]{2}$"
OWN_KEY_MAX = 60
MAXIMUM_PRICE = 1_000_000

_postcode = RegexValidator(
    POSTCODE_PATTERN, _("Een postcode bestaat uit 4 cijfers en 2 letters, zoals 1234 AB.")
)
_house_number = RegexValidator(
    r"^[1-9][0-9]{0,4}$", _("Een huisnummer bestaat uit 1 tot 5 cijfers.")
)


class OnPostgreSQL(models.Func):
    """Its expression where the database is PostgreSQL, NULL on any other.

    For a generated column that only PostgreSQL can compute, such as a ``tsvector``: SQLite (the
    embedded default) still migrates, holds NULL there and searches the columns themselves
    (``stap.register.search``).
    """

    template = "%(expressions)s"

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return super().as_sql(compiler, connection, **extra_context)


class Address(models.Model):
    """A Dutch address. Never changed: a new address is a new row, so history stays."""

    street = models.CharField(_("straatnaam"), max_length=100)
    house_number = models.CharField(_("huisnummer"), max_length=5, validators=[_house_number])
    house_number_addition = models.CharField(_("toevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[_postcode])
    city = models.CharField(_("plaats"), max_length=80)

    class Meta:
        verbose_name = _("adres")
        verbose_name_plural = _("adressen")

    def __str__(self) -> str:
        addition = f"-{self.house_number_addition}" if self.house_number_addition else ""
        return f"{self.street} {self.house_number}{addition}, {self.postcode} {self.city}"


class Provider(models.Model):
    """An onderwijsaanbieder. Its code is the opleider-id that aanmeldingsbewijzen quote."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="providers",
        verbose_name=_("organisatie"),
    )
    code = models.CharField(
        _("opleider-id"),
        max_length=7,
        unique=True,
        validators=[RegexValidator(PROVIDER_CODE_PATTERN)],
        help_text=_("Drie cijfers, een hoofdletter en drie cijfers, bijvoorbeeld 123A456."),
    )
    name = models.CharField(_("naam"), max_length=200)
    phone = models.CharField(_("telefoonnummer voor STAP"), max_length=20, blank=True)
    email = models.EmailField(_("e-mailadres voor STAP"), blank=True)
    website = models.URLField(_("website"), max_length=320, blank=True)
    visiting_address = models.ForeignKey(
        Address,
        verbose_name=_("bezoekadres"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    postal_address = models.ForeignKey(
        Address,
        verbose_name=_("postadres"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("geregistreerd op"))
    # The public register's full-text search (PostgreSQL; a GIN index, migration 0004). Weight B:
    # a provider's name counts less than a training's name. Changing the type of ``name`` means
    # dropping this column first: PostgreSQL does not alter a column a generated column uses.
    search_document = models.GeneratedField(
        expression=OnPostgreSQL(SearchVector("name", weight="B", config="dutch")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("onderwijsaanbieder")
        verbose_name_plural = _("onderwijsaanbieders")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Training(models.Model):
    """An opleidingseenheid."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("aanbieder"),
    )
    code = models.CharField(
        _("opleidingscode"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(TRAINING_CODE_PATTERN)],
    )
    name = models.CharField(_("naam"), max_length=225)
    short_name = models.CharField(_("korte naam"), max_length=40)
    description = models.TextField(_("omschrijving"), max_length=3000, blank=True)
    study_load = models.PositiveIntegerField(
        _("studielast"), null=True, blank=True, validators=[MaxValueValidator(99_999)]
    )
    study_load_unit = models.CharField(
        _("eenheid studielast"), max_length=12, choices=StudyLoadUnit.choices, blank=True
    )
    nlqf_level = models.CharField(
        _("NLQF-niveau"), max_length=2, choices=NlqfLevel.choices, blank=True
    )
    eqf_level = models.CharField(
        _("EQF-niveau"), max_length=1, choices=EqfLevel.choices, blank=True
    )
    value_document = models.CharField(
        _("waardedocument"), max_length=24, choices=ValueDocument.choices, blank=True
    )
    category = models.CharField(_("categorie"), max_length=40, choices=Category.choices, blank=True)
    own_key = models.CharField(_("eigen sleutel"), max_length=OWN_KEY_MAX, blank=True)
    is_multi_year = models.BooleanField(_("meerjarig"), default=False)
    is_funded = models.BooleanField(_("bekostigd onderwijs"), default=False)
    created_at = models.DateTimeField(_("geregistreerd op"))
    # The public register's full-text search (PostgreSQL; a GIN index, migration 0004): the names
    # weigh most (A), the description least (C). Stored, so that ranking a broad query does not
    # parse every description again. Changing the type of these columns means dropping this
    # column first: PostgreSQL does not alter a column a generated column uses.
    search_document = models.GeneratedField(
        expression=OnPostgreSQL(
            SearchVector("name", "short_name", weight="A", config="dutch")
            + SearchVector("description", weight="C", config="dutch")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("opleiding")
        verbose_name_plural = _("opleidingen")
        ordering = ["name"]
        indexes = [
            # The public register lists offers by training name when no words are searched.
            models.Index(fields=["name", "id"], name="training_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "own_key"],
                condition=~models.Q(own_key=""),
                name="training_own_key_unique_per_provider",
            ),
            models.CheckConstraint(
                condition=models.Q(study_load__isnull=True, study_load_unit="")
                | (models.Q(study_load__isnull=False) & ~models.Q(study_load_unit="")),
                name="training_study_load_with_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.study_load is None) != (not self.study_load_unit):
            raise ValidationError(
                {
                    "study_load_unit": _(
                        "Vul de studielast en de eenheid samen in, of laat ze allebei leeg."
                    )
                }
            )


class Offer(models.Model):
    """An aangeboden opleiding. Its UUID is the scholings-ID that students and providers quote."""

    scholings_id = models.UUIDField(
        _("scholings-ID"), default=uuid.uuid4, unique=True, editable=False
    )
    training = models.ForeignKey(
        Training,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("opleiding"),
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("aanbieder"),
    )
    location = models.CharField(
        _("plaats"),
        max_length=200,
        blank=True,
        help_text=_("Leeg voor online onderwijs."),
    )
    address = models.ForeignKey(
        Address,
        verbose_name=_("adres van de locatie"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("voertaal"), max_length=3, choices=Language.choices, default=Language.NLD
    )
    stap_permission = models.CharField(
        _("toestemming deelname STAP"),
        max_length=25,
        choices=StapPermission.choices,
        default=StapPermission.GRANTED,
    )
    website = models.URLField(_("website"), max_length=320, blank=True)
    own_key = models.CharField(_("eigen sleutel"), max_length=OWN_KEY_MAX, blank=True)
    created_at = models.DateTimeField(_("geregistreerd op"))

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "own_key"],
                condition=~models.Q(own_key=""),
                name="offer_own_key_unique_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training.name} ({self.scholings_id})"


class Cohort(models.Model):
    """A start moment of an offer, with its two prices (incl. VAT)."""

    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("aanbod"),
    )
    code = models.CharField(_("cohortcode"), max_length=OWN_KEY_MAX)
    status = models.CharField(
        _("status"), max_length=1, choices=CohortStatus.choices, default=CohortStatus.OPEN
    )
    enrolment_start = models.DateField(_("begin aanmeldperiode"))
    enrolment_end = models.DateField(_("einde aanmeldperiode"), null=True, blank=True)
    start_date = models.DateField(
        _("startdatum"),
        help_text=_("Het vaste instroommoment, of het begin van de flexibele instroom."),
    )
    intake_end = models.DateField(
        _("einde flexibele instroom"),
        null=True,
        blank=True,
        help_text=_("Alleen bij flexibele instroom: de laatste dag waarop iemand kan beginnen."),
    )
    end_date = models.DateField(_("einddatum"))
    total_price = models.DecimalField(_("totale verplichte kosten"), max_digits=9, decimal_places=2)
    subsidisable_amount = models.DecimalField(
        _("subsidiabel bedrag"), max_digits=9, decimal_places=2
    )
    teaching_form = models.CharField(
        _("opleidingsvorm"),
        max_length=20,
        choices=TeachingForm.choices,
        default=TeachingForm.KLASSIKAAL,
    )
    places_per_year = models.PositiveIntegerField(
        _("deelnemersplaatsen per jaar"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(32_000)],
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorten")
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "code"], name="cohort_code_unique_per_offer"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="cohort_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(subsidisable_amount__lte=models.F("total_price"))
                & models.Q(subsidisable_amount__gte=0)
                & models.Q(total_price__lte=MAXIMUM_PRICE),
                name="cohort_subsidisable_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_end__isnull=True)
                | models.Q(enrolment_end__gte=models.F("enrolment_start")),
                name="cohort_enrolment_window_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(intake_end__isnull=True)
                | models.Q(intake_end__gte=models.F("start_date")),
                name="cohort_intake_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.start_date:%d-%m-%Y})"

    @property
    def has_flexible_intake(self) -> bool:
        return self.intake_end is not None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.enrolment_start
            and self.enrolment_end
            and self.enrolment_end < self.enrolment_start
        ):
            errors["enrolment_end"] = _(
                "Het einde van de aanmeldperiode ligt vóór het begin. Kies een latere datum."
            )
        if self.start_date and self.intake_end and self.intake_end < self.start_date:
            errors["intake_end"] = _(
                "Het einde van de flexibele instroom ligt vóór de startdatum. Kies een latere "
                "datum."
            )
        last_start = self.intake_end or self.start_date
        if last_start and self.end_date and self.end_date < last_start:
            errors["end_date"] = _(
                "De einddatum ligt vóór de (laatste) startdatum. Kies een einddatum op of na "
                "%(date)s."
            ) % {"date": f"{last_start:%d-%m-%Y}"}
        if self.total_price is not None and self.total_price > MAXIMUM_PRICE:
            errors["total_price"] = _("Een prijs is ten hoogste € 1.000.000,00.")
        if (
            self.total_price is not None
            and self.subsidisable_amount is not None
            and self.subsidisable_amount > self.total_price
        ):
            errors["subsidisable_amount"] = _(
                "Het subsidiabele bedrag is hoger dan de totale verplichte kosten. Het kan niet "
                "meer zijn dan die kosten."
            )
        if errors:
            raise ValidationError(errors)


class CohortPrice(models.Model):
    """Every price a cohort has had, from when, and who set it."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="prices", verbose_name=_("cohort")
    )
    total_price = models.DecimalField(_("totale verplichte kosten"), max_digits=9, decimal_places=2)
    subsidisable_amount = models.DecimalField(
        _("subsidiabel bedrag"), max_digits=9, decimal_places=2
    )
    valid_from = models.DateTimeField(_("geldig vanaf"))
    recorded_by = models.CharField(_("vastgelegd door"), max_length=200)

    class Meta:
        verbose_name = _("prijs van een cohort")
        verbose_name_plural = _("prijzen van cohorten")
        ordering = ["cohort", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.subsidisable_amount} van {self.total_price}"


class Recognition(models.Model):
    """A recognition (keurmerk, erkenning) of a provider, valid for a period."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="recognitions",
        verbose_name=_("aanbieder"),
    )
    kind = models.CharField(_("soort"), max_length=8, choices=RecognitionKind.choices)
    body = models.CharField(
        _("erkennende organisatie"),
        max_length=200,
        blank=True,
        help_text=_("Verplicht bij een erkenning door een brancheorganisatie."),
    )
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("vastgelegd op"))
    recorded_by = models.CharField(_("vastgelegd door"), max_length=200)

    class Meta:
        verbose_name = _("erkenning")
        verbose_name_plural = _("erkenningen")
        ordering = ["provider", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="recognition_valid_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="SECTOR") | ~models.Q(body=""),
                name="recognition_sector_names_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} van {self.provider}"

    def clean(self) -> None:
        if self.kind == RecognitionKind.SECTOR and not self.body.strip():
            raise ValidationError(
                {"body": _("Vul de naam van de brancheorganisatie in die de erkenning gaf.")}
            )
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("De erkenning eindigt vóór ze begint. Kies een latere datum.")}
            )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Recogniser(models.Model):
    """A staff member of a recognising body (NRTO, Cedeo, a sector body…). In the backoffice they
    record and end recognitions of their own body, and do nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recogniser",
        verbose_name=_("gebruiker"),
    )
    kind = models.CharField(_("soort erkenning"), max_length=8, choices=RecognitionKind.choices)
    body = models.CharField(
        _("erkennende organisatie"),
        max_length=200,
        blank=True,
        help_text=_("Verplicht bij een brancheorganisatie."),
    )
    appointed_at = models.DateTimeField(_("aangewezen op"))
    appointed_by = models.CharField(_("aangewezen door"), max_length=200)

    class Meta:
        verbose_name = _("medewerker van een erkennende organisatie")
        verbose_name_plural = _("medewerkers van erkennende organisaties")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="SECTOR") | ~models.Q(body=""),
                name="recogniser_sector_names_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"

    def clean(self) -> None:
        if self.kind == RecognitionKind.SECTOR and not self.body.strip():
            raise ValidationError(
                {"body": _("Vul de naam van de brancheorganisatie in die de erkenning geeft.")}
            )

    def recognises(self, recognition: Recognition) -> bool:
        """Whether this body gave the recognition, so may end it."""
        return recognition.kind == self.kind and (
            self.kind != RecognitionKind.SECTOR or recognition.body == self.body
        )


class Exclusion(models.Model):
    """DUO excluded a provider or one training from STAP; lifting it keeps the row."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="exclusions",
        verbose_name=_("aanbieder"),
        null=True,
        blank=True,
    )
    training = models.ForeignKey(
        Training,
        on_delete=models.PROTECT,
        related_name="exclusions",
        verbose_name=_("opleiding"),
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reden"), max_length=1000)
    starts_on = models.DateField(_("uitgesloten vanaf"))
    excluded_at = models.DateTimeField(_("vastgelegd op"))
    excluded_by = models.CharField(_("vastgelegd door"), max_length=200)
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    lifted_by = models.CharField(_("opgeheven door"), max_length=200, blank=True)
    lift_reason = models.TextField(_("reden opheffing"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("uitsluiting")
        verbose_name_plural = _("uitsluitingen")
        ordering = ["-excluded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__isnull=True, training__isnull=False)
                | models.Q(provider__isnull=False, training__isnull=True),
                name="exclusion_of_provider_or_training",
            ),
        ]

    def __str__(self) -> str:
        return f"uitsluiting van {self.provider or self.training}"
