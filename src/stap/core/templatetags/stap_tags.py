from decimal import Decimal
from typing import Any

from django import forms, template
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString

from stap.core.money import format_euros

register = template.Library()


@register.filter
def euros(value: Decimal | None) -> str:
    return "" if value is None else format_euros(value)


@register.simple_tag(takes_context=True)
def this_page_in(context: dict[str, Any], language: str) -> str:
    """The current page's address in ``language``.

    Worked out here, where the active language matches the address: Django's ``set_language``
    runs unprefixed, in the default language, and cannot resolve a ``/en/`` address itself.
    """
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> SafeString:
    """A table header that sorts by ``key``, toggles direction, and tells screen readers."""
    current = context.get("sort", "")
    request = context["request"]
    query = request.GET.copy()
    for cursor in ("na", "voor"):
        query.pop(cursor, None)
    if current == key:
        aria_sort, next_key = "ascending", f"-{key}"
    elif current == f"-{key}":
        aria_sort, next_key = "descending", key
    else:
        aria_sort, next_key = "none", key
    query["sorteer"] = next_key
    return format_html(
        '<th scope="col" class="utrecht-table__header-cell" aria-sort="{}">'
        '<a class="utrecht-link" href="?{}">{}</a></th>',
        aria_sort,
        query.urlencode(),
        label,
    )


@register.filter
def widget_kind(bound_field: Any) -> str:
    """Which include renders this field: text, textarea, select, checkbox or checkboxes."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "text"
