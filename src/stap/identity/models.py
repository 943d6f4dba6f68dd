from typing import ClassVar, Self

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from stap.core.identifiers import validate_kvk_number


class Organisation(models.Model):
    """An organisation known by its KvK number: a training provider, for now."""

    kvk_number = models.CharField(
        _("KvK-nummer"), max_length=8, unique=True, validators=[validate_kvk_number]
    )
    name = models.CharField(_("naam"), max_length=200)
    created_at = models.DateTimeField(_("aangemaakt op"))

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


class StaffRole(models.TextChoices):
    UWV = "uwv", _("UWV-medewerker")
    DUO = "duo", _("DUO-medewerker")


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in.

    Staff sign in with a password and a TOTP code. A person who signs in with eHerkenning is
    recorded by their pseudonym for one organisation (the ActingSubjectID), never by name.
    """

    username = models.CharField(_("gebruikersnaam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=16, choices=UserKind.choices)
    display_name = models.CharField(_("naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    staff_role = models.CharField(_("rol"), max_length=8, choices=StaffRole.choices, blank=True)
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
        ]

    def __str__(self) -> str:
        return self.display_name or self.username
