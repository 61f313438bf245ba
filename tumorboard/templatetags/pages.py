"""Template helpers of the pages: field errors from ``tumorboard.web.Outcome.by_field()``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def field_errors(errors: dict | None, name: str = "", row=""):
    """The messages for field ``name`` (``""``: errors of no field) as an alert list, or nothing. Its id is
    ``errors-<name>`` (``errors-<name>-<row>`` for a repeated row of a form), for the field's
    ``aria-describedby``."""
    messages = (errors or {}).get(name) or []
    if not messages:
        return ""
    items = format_html_join("", "<li>{}</li>", ((message,) for message in messages))
    element_id = f"errors-{name or 'form'}{f'-{row}' if row != '' else ''}"
    element_id = element_id.replace(".", "-").replace("[", "-").replace("]", "")
    return format_html('<ul class="errorlist" role="alert" id="{}">{}</ul>', element_id, items)
