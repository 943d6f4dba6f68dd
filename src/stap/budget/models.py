"""Application periods and applications for a STAP-budget."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.core.identifiers import validate_bsn
from stap.identity.models import Organisation
from stap.register.models import Cohort, Offer, Training


class ApplicationPeriod(models.Model):
    """An application period with its budget.

    The budget is split in two pools: ``reserved_budget`` for people who cannot apply digitally
    (UWV staff apply on their behalf), and the rest for everyone else. ``granted`` and
    ``granted_reserved`` are what each pool has granted and not released; they only change by a
    conditional ``UPDATE`` (``budget.allocation``), and the database refuses any value above the
    pool, so the period can never grant more than its budget.
    """

    name = models.CharField(_("naam"), max_length=100, unique=True)
    opens_at = models.DateTimeField(_("opent"))
    closes_at = models.DateTimeField(_("sluit"))
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2)
    reserved_budget = models.DecimalField(
        _("gereserveerd voor aanvragen via UWV"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Het deel van het budget voor mensen die niet digitaal kunnen aanvragen."),
    )
    granted = models.DecimalField(
        _("toegekend"), max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    granted_reserved = models.DecimalField(
        _("toegekend uit de reservering"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        editable=False,
    )
    carries_over = models.BooleanField(
        _("restant naar het volgende tijdvak"),
        default=False,
        help_text=_("Wat na het sluiten over is, gaat naar het budget van het volgende tijdvak."),
    )
    carried_over_at = models.DateTimeField(_("restant overgeboekt op"), null=True, blank=True)
    # Set when the period is first postponed: the start-date rules keep counting from these.
    original_opens_at = models.DateTimeField(_("oorspronkelijke opening"), null=True, blank=True)
    original_closes_at = models.DateTimeField(_("oorspronkelijke sluiting"), null=True, blank=True)
    postponement_reason = models.TextField(_("reden van uitstel"), blank=True)
    # The waiting room (budget/waiting_room, ADR 0011). The seed stays secret until the draw;
    # its commitment is published before the opening.
    draw_commitment = models.CharField(_("vingerafdruk van de loting"), max_length=64, blank=True)
    draw_seed = models.CharField(_("zaad van de loting"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("geloot op"), null=True, blank=True)
    places_given = models.PositiveIntegerField(_("plaatsen uitgedeeld"), default=0)
    admission_per_minute = models.PositiveIntegerField(
        _("toegelaten per minuut"),
        default=300,
        help_text=_("Zoveel mensen uit de wachtkamer mogen per minuut naar het aanvraagformulier."),
    )
    admission_since = models.DateTimeField(
        _("toelating volgens dit tempo sinds"), null=True, blank=True
    )
    admitted_before = models.PositiveIntegerField(_("toegelaten vóór dit tempo"), default=0)

    class Meta:
        verbose_name = _("aanvraagtijdvak")
        verbose_name_plural = _("aanvraagtijdvakken")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="period_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved_budget__gte=0)
                & models.Q(reserved_budget__lte=models.F("budget")),
                name="period_reserve_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(granted__gte=0)
                & models.Q(granted__lte=models.F("budget") - models.F("reserved_budget")),
                name="period_never_grants_more_than_its_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(granted_reserved__gte=0)
                & models.Q(granted_reserved__lte=models.F("reserved_budget")),
                name="period_never_grants_more_than_its_reserve",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rules_close_at(self) -> dt.datetime:
        """The end the start-date rules count from: the original one if it was postponed."""
        return self.original_closes_at or self.closes_at

    @property
    def left(self) -> Decimal:
        return self.budget - self.reserved_budget - self.granted

    @property
    def reserve_left(self) -> Decimal:
        return self.reserved_budget - self.granted_reserved


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
    # The applicant. Never shown in full, never in a URL or a log (core.identifiers.mask_bsn).
    bsn = models.CharField(
        _("BSN"), max_length=9, blank=True, validators=[validate_bsn], db_index=False
    )
    assisted = models.BooleanField(
        _("aangevraagd via UWV"),
        default=False,
        help_text=_("Door UWV ingediend voor iemand die niet digitaal kan aanvragen."),
    )
    rejection_reason = models.CharField(
        _("reden van afwijzing"),
        max_length=40,
        blank=True,
        help_text=_("De code van de regel waarop de aanvraag is afgewezen."),
    )
    # The calendar year whose one grant this application holds, while it holds it.
    grant_year = models.PositiveSmallIntegerField(
        _("jaar van de toekenning"), null=True, blank=True, editable=False
    )

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
            # One grant per person per calendar year: the second grant's transaction fails.
            models.UniqueConstraint(
                fields=["bsn", "grant_year"],
                condition=models.Q(grant_year__isnull=False) & ~models.Q(bsn=""),
                name="application_one_grant_per_person_per_year",
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
            # A person's applications: in a period (a second application is refused), and
            # "Mijn aanvragen". Without it each submission scans every application of the period.
            models.Index(fields=["bsn", "period"], name="appl_bsn_period_idx"),
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


class OfferYearGrants(models.Model):
    """How many grants an offer (scholings-ID) holds in a calendar year: the counter the grant
    cap is enforced on, with a conditional ``UPDATE`` (``budget.allocation``)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("jaar"))
    grants = models.PositiveIntegerField(_("toekenningen"), default=0)

    class Meta:
        verbose_name = _("toekenningen per opleiding per jaar")
        verbose_name_plural = _("toekenningen per opleiding per jaar")
        constraints = [
            models.UniqueConstraint(fields=["offer", "year"], name="offer_year_grants_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.year}: {self.grants}"


class GrantCap(models.Model):
    """The most grants one offer may hold in a calendar year (the *verleningsgrens*); a year
    without a row has ``settings.STAP_GRANT_CAP``."""

    year = models.PositiveSmallIntegerField(_("jaar"), unique=True)
    maximum = models.PositiveIntegerField(_("maximum aantal toekenningen per opleiding"))

    class Meta:
        verbose_name = _("verleningsgrens")
        verbose_name_plural = _("verleningsgrenzen")

    def __str__(self) -> str:
        return f"{self.year}: {self.maximum}"


class StudentFinanceKind(models.TextChoices):
    STUDENT_FINANCE = "studiefinanciering", _("studiefinanciering")
    TEACHER_GRANT = "lerarenbeurs", _("lerarenbeurs")
    SCHOOL_COSTS = "tegemoetkoming", _("tegemoetkoming scholieren / schoolkosten volwassenen")


class StudentFinance(models.Model):
    """DUO's record that someone receives student finance, from a day until a day (open-ended
    while it runs). A stand-in reference table for DUO's records, kept in the backoffice:
    someone receiving it on the day they apply cannot get a STAP-budget."""

    bsn = models.CharField(_("BSN"), max_length=9, validators=[validate_bsn])
    kind = models.CharField(_("soort"), max_length=20, choices=StudentFinanceKind.choices)
    starts_on = models.DateField(_("van"))
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("studiefinanciering (DUO)")
        verbose_name_plural = _("studiefinanciering (DUO)")
        indexes = [models.Index(fields=["bsn", "starts_on"], name="student_finance_bsn_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="student_finance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}"


class WaitingRoomEntry(models.Model):
    """One person in a period's waiting room: one entry per person (BSN), however many tabs or
    devices they wait with. ``place`` is given by the draw at the opening, or in order of
    arrival after it."""

    period = models.ForeignKey(
        ApplicationPeriod, on_delete=models.PROTECT, related_name="waiting_room"
    )
    person = models.CharField(_("persoon (sleutel)"), max_length=64)
    entry = models.CharField(_("deelnamenummer"), max_length=12)
    joined_at = models.DateTimeField(_("binnengekomen op"))
    place = models.PositiveIntegerField(_("plaats"), null=True, blank=True)

    class Meta:
        verbose_name = _("plaats in de wachtkamer")
        verbose_name_plural = _("plaatsen in de wachtkamer")
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="waiting_one_per_person"),
            models.UniqueConstraint(fields=["period", "entry"], name="waiting_entry_unique"),
            models.UniqueConstraint(fields=["period", "place"], name="waiting_place_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} ({self.place or '-'})"
