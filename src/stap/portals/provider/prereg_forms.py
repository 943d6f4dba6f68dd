"""Forms of the vooraanmeldingen screens. They only collect text: the rule catalogue decides
what is right (the same rules as for a file's row), and its findings come back on the fields."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.rules import Finding
from stap.portals.provider.enrolment_forms import EnrolmentForm

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

MAX_TEXT = 1_000


# The row as the file had it, so the register's two fields are typed in as text.
LABELS: dict[str, "_StrOrPromise"] = {
    f.SCHOLINGS_ID: _("Scholings-ID"),
    f.COHORTCODE: _("Cohortcode"),
}


def _text_field(name: str) -> forms.CharField:
    enrolment_field = EnrolmentForm.base_fields.get(name)
    return forms.CharField(
        label=enrolment_field.label if enrolment_field else LABELS[name],
        help_text=enrolment_field.help_text if enrolment_field else "",
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": _("Gebruik ten hoogste %(limit_value)d tekens.")},
    )


class RowForm(forms.Form):
    """A vooraanmelding as text, field by field; ``show`` puts the rules' findings on them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in f.FIELDS:
            self.fields[name] = _text_field(name)
        self.warnings: list[Finding] = []

    def values(self) -> dict[str, str]:
        return {name: str(self.cleaned_data.get(name) or "") for name in f.FIELDS}

    def show(self, findings: list[Finding]) -> None:
        """Each fout on its field (or the form), each waarschuwing in ``warnings``."""
        for finding in findings:
            if not finding.is_error:
                self.warnings.append(finding)
                continue
            field = finding.field if finding.field in self.fields else None
            self.add_error(field, f"{finding.message} {finding.hint}")


class PreRegistrationForm(EnrolmentForm):
    """One student, typed in: the offer and start moment are chosen from the provider's own."""


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label=_("Bestand met vooraanmeldingen (CSV of XML)"),
        error_messages={
            "required": _("Kies het bestand met de vooraanmeldingen."),
            "empty": rules.FILE_EMPTY.message,
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.STAP_PREREG_MAX_BYTES // 2**20
        self.fields["bestand"].help_text = _(
            "Ten hoogste %(limit)s MB. Eerst wordt alles gecontroleerd; u beslist daarna zelf of "
            "u de goede regels verwerkt."
        ) % {"limit": limit}

    def clean_bestand(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["bestand"]
        size = upload.size or 0
        limit = settings.STAP_PREREG_MAX_BYTES
        if size > limit:
            finding = rules.FILE_TOO_LARGE(size=f"{size / 2**20:.1f}", limit=limit // 2**20)
            raise forms.ValidationError(f"{finding.message} {finding.hint}", code=finding.rule.id)
        return upload
