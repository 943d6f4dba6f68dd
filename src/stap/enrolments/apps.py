from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentsConfig(AppConfig):
    name = "stap.enrolments"
    label = "enrolments"
    verbose_name = _("Aanmeldingsbewijzen en vooraanmeldingen")
