"""The STAP-scholingsregister, after DUO's RIO model: provider → training → offer → cohort."""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.identity.models import Organisation

PROVIDER_CODE_PATTERN = r"^[0-9]{3}[A-Z][0-9]{3}$"
TRAINING_CODE_PATTERN = r"^[0-9]{4}O[0-9]{4}$"


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
    created_at = models.DateTimeField(_("geregistreerd op"))

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
    is_multi_year = models.BooleanField(_("meerjarig"), default=False)
    is_funded = models.BooleanField(_("bekostigd onderwijs"), default=False)
    created_at = models.DateTimeField(_("geregistreerd op"))

    class Meta:
        verbose_name = _("opleiding")
        verbose_name_plural = _("opleidingen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    location = models.CharField(
        _("locatie"),
        max_length=200,
        blank=True,
        help_text=_("Leeg voor online onderwijs."),
    )
    created_at = models.DateTimeField(_("geregistreerd op"))

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")

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
    code = models.CharField(_("cohortcode"), max_length=50)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"))
    total_price = models.DecimalField(_("totale verplichte kosten"), max_digits=9, decimal_places=2)
    subsidisable_amount = models.DecimalField(
        _("subsidiabel bedrag"), max_digits=9, decimal_places=2
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
                & models.Q(subsidisable_amount__gte=0),
                name="cohort_subsidisable_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.start_date:%d-%m-%Y})"
