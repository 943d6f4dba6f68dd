from typing import ClassVar, Self

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.core.identifiers import validate_bsn, validate_kvk_number


class Organisation(models.Model):
    """An organisation known by its KvK number: a training provider, for now."""

    kvk_number = models.CharField(
        _("KvK-nummer"), max_length=8, unique=True, validators=[validate_kvk_number]
    )
    name = models.CharField(_("naam"), max_length=200)
    created_at = models.DateTimeField(_("aangemaakt op"))
    mijn_duo_token_access = models.BooleanField(
        _("toegang tot Mijn DUO met tokengenerator"),
        default=False,
        help_text=_(
            "Had al toegang tot Mijn DUO met een tokengenerator voordat eHerkenning verplicht "
            "werd. Nieuwe organisaties gebruiken alleen eHerkenning."
        ),
    )

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="organisation_kvk_8_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kvk_number})"


class UserKind(models.TextChoices):
    STAFF = "staff", _("medewerker")
    EHERKENNING = "eherkenning", _("eHerkenning")
    TOKEN = "token", _("tokengenerator")


class StaffRole(models.TextChoices):
    UWV = "uwv", _("UWV-medewerker")
    DUO = "duo", _("DUO-medewerker")
    RECOGNISER = "erkenner", _("medewerker van een erkennende organisatie")


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in.

    Staff sign in with a password and a TOTP code. A person who signs in with eHerkenning is
    recorded by their pseudonym for one organisation (the ActingSubjectID); the name they give in
    Mijn DUO is only there so that their beheerder recognises them. A token user is a legacy
    Mijn DUO account (username, password, token generator) of one organisation, retired once it
    is linked to an eHerkenning user.
    """

    username = models.CharField(_("gebruikersnaam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=16, choices=UserKind.choices)
    display_name = models.CharField(_("naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    staff_role = models.CharField(_("rol"), max_length=8, choices=StaffRole.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    linked_to = models.ForeignKey(
        "self",
        verbose_name=_("gekoppeld aan eHerkenning-gebruiker"),
        on_delete=models.PROTECT,
        related_name="linked_token_accounts",
        null=True,
        blank=True,
    )
    linked_at = models.DateTimeField(_("gekoppeld op"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    objects: ClassVar[UserManager[Self]] = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="staff") | models.Q(staff_role=""),
                name="user_only_staff_has_staff_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="token") | models.Q(organisation__isnull=False),
                name="user_token_user_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class TokenGenerator(models.Model):
    """The TOTP secret of a token user (RFC 6238, 6 digits, 30 seconds).

    ``last_used_step`` is the time step of the last accepted code: a code is accepted only for a
    later step, so no code works twice.
    """

    user = models.OneToOneField(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="token_generator"
    )
    secret = models.CharField(_("geheime sleutel"), max_length=64)
    created_at = models.DateTimeField(_("aangemaakt op"))
    confirmed_at = models.DateTimeField(_("ingesteld op"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("laatst gebruikte tijdstap"), default=0)

    class Meta:
        verbose_name = _("tokengenerator")
        verbose_name_plural = _("tokengeneratoren")

    def __str__(self) -> str:
        return f"tokengenerator van {self.user}"


class SwitchNotice(models.Model):
    """DUO's message to an organisation to switch from token generators to eHerkenning."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="switch_notice",
    )
    switch_date = models.DateField(
        _("overstapdatum"),
        help_text=_("Vanaf deze datum werkt inloggen met een tokengenerator niet meer."),
    )
    sent_at = models.DateTimeField(_("verstuurd op"))
    sent_by = models.CharField(_("verstuurd door"), max_length=200)

    class Meta:
        verbose_name = _("overstapbericht")
        verbose_name_plural = _("overstapberichten")

    def __str__(self) -> str:
        return f"overstapbericht aan {self.organisation} per {self.switch_date}"


class DuoRole(models.TextChoices):
    """Roles in Mijn DUO zakelijk that STAP uses."""

    BEHEERDER = "beheerder_rio_algemeen", _("Beheerder RIO Algemeen")
    REGISTREREN = "registreren_scholingsaanbod", _("Registreren scholingsaanbod")


class RoleAssignment(models.Model):
    """A DUO role of one person in one organisation. Withdrawn roles stay, for the history."""

    user = models.ForeignKey(
        User, verbose_name=_("gebruiker"), on_delete=models.PROTECT, related_name="duo_roles"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="duo_roles",
    )
    role = models.CharField(_("rol"), max_length=32, choices=DuoRole.choices)
    granted_at = models.DateTimeField(_("toegekend op"))
    granted_by = models.CharField(_("toegekend door"), max_length=200)
    granted_because = models.CharField(_("grond"), max_length=200)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.CharField(_("ingetrokken door"), max_length=200, blank=True)
    withdrawn_because = models.CharField(_("reden intrekking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="role_assignment_one_active_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} voor {self.user} bij {self.organisation}"


class AccessRequestChannel(models.TextChoices):
    PORTAL = "portal", _("in Mijn DUO zakelijk")
    FORM = "form", _("met het ondertekende formulier")


class AccessRequestStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("wacht op ondertekend formulier")
    SUBMITTED = "submitted", _("ingediend")
    CHECKED = "checked", _("gecontroleerd, wacht op tweede beoordeling")
    APPROVED = "approved", _("goedgekeurd")
    REJECTED = "rejected", _("afgewezen")


class AccessRequest(models.Model):
    """A "Toegang Mijn DUO" request: roles for persons of one organisation.

    When it makes someone a beheerder, two different DUO staff members handle it: one checks the
    signatory's authority, another approves.
    """

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    channel = models.CharField(_("kanaal"), max_length=8, choices=AccessRequestChannel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AccessRequestStatus.choices, db_index=True
    )
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[validate_kvk_number])
    organisation_name = models.CharField(_("naam organisatie"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="access_requests",
        null=True,
        blank=True,
    )
    contact_name = models.CharField(_("naam contactpersoon"), max_length=200)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"))
    contact_phone = models.CharField(_("telefoonnummer contactpersoon"), max_length=20)
    coordinator_name = models.CharField(_("naam coördinator"), max_length=200)
    coordinator_email = models.EmailField(_("e-mailadres coördinator"))
    signatory_name = models.CharField(_("naam tekenbevoegde"), max_length=200)
    signatory_function = models.CharField(_("functie tekenbevoegde"), max_length=200)
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("aangevraagd door"),
        on_delete=models.PROTECT,
        related_name="access_requests",
        null=True,
        blank=True,
    )
    upload_key_hash = models.CharField(max_length=64, blank=True)
    # Kept in the database, in the transaction that records the upload: no file without its
    # request, no request pointing at a missing file (docs/adr/0008).
    signed_form = models.BinaryField(_("ondertekend formulier"), blank=True, default=b"")
    signed_form_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"))
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    checked_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    checked_by = models.CharField(_("gecontroleerd door"), max_length=200, blank=True)
    check_note = models.TextField(_("controle tekenbevoegdheid"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.CharField(_("besloten door"), max_length=200, blank=True)
    rejection_reason = models.TextField(_("reden afwijzing"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("aanvraag Toegang Mijn DUO")
        verbose_name_plural = _("aanvragen Toegang Mijn DUO")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def makes_beheerder(self) -> bool:
        return any(DuoRole.BEHEERDER in person.roles for person in self.persons.all())


class AccessRequestPerson(models.Model):
    """One person in a request and the roles asked for them.

    A person who is already a user (the requester in the portal) gets the roles on approval; any
    other person gets a single-use code by e-mail to claim them after signing in with eHerkenning.
    """

    request = models.ForeignKey(
        AccessRequest,
        verbose_name=_("aanvraag"),
        on_delete=models.CASCADE,
        related_name="persons",
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    roles = models.JSONField(_("rollen"), default=list)
    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    claim_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    claim_expires_at = models.DateTimeField(_("code geldig tot"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("rollen opgehaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("persoon in aanvraag")
        verbose_name_plural = _("personen in aanvraag")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def role_labels(self) -> list[str]:
        return [str(DuoRole(role).label) for role in self.roles]


class Resident(models.Model):
    """A person as the population register (BRP) knows them.

    A stand-in: the real service asks the BRP; here the backoffice and the demo loader fill this
    table. An application's name, birth date and address come from here, never from the
    sign-in, which carries only the BSN."""

    bsn = models.CharField(_("BSN"), max_length=9, unique=True, validators=[validate_bsn])
    first_names = models.CharField(_("voornamen"), max_length=200)
    name_prefix = models.CharField(_("voorvoegsel"), max_length=10, blank=True)
    last_name = models.CharField(_("geslachtsnaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"))
    street = models.CharField(_("straatnaam"), max_length=80, blank=True)
    house_number = models.CharField(_("huisnummer"), max_length=10, blank=True)
    house_number_addition = models.CharField(_("huisnummertoevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("woonplaats"), max_length=80, blank=True)
    country = models.CharField(_("land"), max_length=2, default="NL")
    updated_at = models.DateTimeField(_("bijgewerkt op"))

    class Meta:
        verbose_name = _("ingezetene (BRP)")
        verbose_name_plural = _("ingezetenen (BRP)")

    def __str__(self) -> str:
        return f"ingezetene {self.pk}"  # never the BSN: this lands in logs

    @property
    def name(self) -> str:
        return " ".join(
            part for part in (self.first_names, self.name_prefix, self.last_name) if part
        )
