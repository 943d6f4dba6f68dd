"""Form fields and widgets the faces share."""

import re
from decimal import Decimal
from typing import Any, Final

from django import forms

# Points between groups of three digits, no decimals: 1.200 or 34.000.000 (never 1.2 euro).
_THOUSANDS: Final = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


class DateInput(forms.DateInput):
    """The browser's date picker; without it, a text box that takes ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class EuroField(forms.DecimalField):
    """An amount as people type it: 950,00 or 950.00 or 1.200,00 or € 1.200."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            text = value.replace("€", "").replace(" ", "").strip()
            if "," in text or _THOUSANDS.fullmatch(text):  # 1.200,50 and 1.200 are Dutch
                text = text.replace(".", "").replace(",", ".")
            value = text
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no step/min: this is a text box
