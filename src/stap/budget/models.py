"""Application periods and applications for a STAP-budget."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.identity.models import Organisation
from stap.register.models import Cohort, Training


class ApplicationPeriod(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    opens_at = models.DateTimeField(_("opent"))
    closes_at = models.DateTimeField(_("sluit"))
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("aanvraagtijdvak")
        verbose_name_plural = _("aanvraagtijdvakken")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="period_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "ingediend", _("ingediend")
    IN_REVIEW = "in_behandeling", _("in behandeling")
    REJECTED = "afgewezen", _("afgewezen")
    PROVISIONALLY_GRANTED = "voorlopig_toegekend", _("voorlopig toegekend")
    SETTLED = "vastgesteld", _("vastgesteld")
    WITHDRAWN = "ingetrokken", _("ingetrokken")
    CANCELLED = "geannuleerd", _("geannuleerd")
    RECLAIMED = "teruggevorderd", _("teruggevorderd")

    @classmethod
    def granted(cls) -> list["ApplicationStatus"]:
        """Every status an application can have once it was granted, whatever happened after."""
        return [
            cls.PROVISIONALLY_GRANTED,
            cls.SETTLED,
            cls.WITHDRAWN,
            cls.CANCELLED,
            cls.RECLAIMED,
        ]


class Application(models.Model):
    """A citizen's application for a STAP-budget for one cohort of one provider's training.

    ``organisation`` and ``training`` repeat what the cohort leads to: the provider's overview
    filters and sorts on them over hundreds of thousands of rows, and the register can change
    after the decision while the decision may not.
    """

    aanvraagnummer = models.CharField(
        _("aanvraagnummer"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Het nummer op de beschikking; bestaat zodra de aanvraag is toegekend."),
    )
    period = models.ForeignKey(
        ApplicationPeriod, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("opleider"),
    )
    training = models.ForeignKey(
        Training,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("opleiding"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("cohort"),
    )
    studentnummer = models.CharField(_("studentnummer"), max_length=20)
    first_name = models.CharField(_("voornaam"), max_length=200)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=10, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=200)
    search_text = models.CharField(
        _("zoektekst"),
        max_length=420,
        editable=False,
        help_text=_("De naam in kleine letters, waarin het overzicht zoekt."),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"))
    amount = models.DecimalField(_("bedrag"), max_digits=7, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, db_index=False
    )
    submitted_at = models.DateTimeField(_("ingediend op"))
    granted_at = models.DateTimeField(_("toegekend op"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status gewijzigd op"))

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=1000),
                name="application_amount_within_stap_maximum",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="application_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=ApplicationStatus.granted())
                | (models.Q(aanvraagnummer__isnull=False) & models.Q(granted_at__isnull=False)),
                name="application_granted_has_number",
            ),
        ]
        indexes = [
            # Provider overview: default order, and the status / training / start-date filters.
            models.Index(fields=["organisation", "-start_date", "-id"], name="appl_org_start_idx"),
            models.Index(
                fields=["organisation", "status", "-start_date", "-id"],
                name="appl_org_status_idx",
            ),
            models.Index(
                fields=["organisation", "training", "-start_date", "-id"],
                name="appl_org_training_idx",
            ),
            # Provider overview: counting a training's applications in one status from the index.
            models.Index(
                fields=["organisation", "training", "status", "id"],
                name="appl_org_training_status_idx",
            ),
            # Provider overview: search by student number and sort by student name.
            models.Index(fields=["organisation", "studentnummer"], name="appl_org_student_idx"),
            models.Index(
                fields=["organisation", "last_name", "first_name", "id"],
                name="appl_org_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.aanvraagnummer or f"aanvraag {self.pk}"

    @staticmethod
    def search_text_for(*, first_name: str, name_prefix: str, last_name: str) -> str:
        return " ".join(part for part in (first_name, name_prefix, last_name) if part).lower()

    @property
    def student_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.name_prefix, self.last_name) if part
        )

    @property
    def is_granted(self) -> bool:
        return self.status in ApplicationStatus.granted()
