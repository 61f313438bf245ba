"""Template helpers of the pages: field errors from ``tumorboard.web.Outcome.by_field()``, and the attributes
that tie a control to them; figures as the pages write them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from tumorboard import charts

register = template.Library()


def _errors_id(name: str, row) -> str:
    element_id = f"errors-{name or 'form'}{f'-{row}' if row != '' else ''}"
    return element_id.replace(".", "-").replace("[", "-").replace("]", "")


@register.simple_tag
def field_errors(errors: dict | None, name: str = "", row=""):
    """The messages for field ``name`` (``""``: errors of no field) as an alert, or nothing. Its id is
    ``errors-<name>`` (``errors-<name>-<row>`` for a repeated row of a form), which ``invalid`` points the
    field's control at."""
    messages = (errors or {}).get(name) or []
    if not messages:
        return ""
    items = format_html_join("", "<p>{}</p>", ((message,) for message in messages))
    return format_html('<div class="errorlist" role="alert" id="{}">{}</div>', _errors_id(name, row), items)


@register.simple_tag
def invalid(errors: dict | None, name: str, row="", hint: str = ""):
    """On the control of field ``name``: ``aria-invalid`` and ``aria-describedby`` pointing at its
    ``field_errors`` when it has errors, so a screen reader reads the reason with the field, after the id of
    the field's ``hint`` if it has one (which alone describes it otherwise)."""
    described_by = [hint] if hint else []
    if not (errors or {}).get(name):
        return format_html(' aria-describedby="{}"', hint) if hint else ""
    described_by.append(_errors_id(name, row))
    return format_html(' aria-invalid="true" aria-describedby="{}"', " ".join(described_by))


@register.filter
def percent(rate) -> str:
    """A rate (0-1) as a whole percentage, "—" when there is none (a rate of nothing)."""
    return "—" if rate is None else charts.percent(rate)


@register.filter
def get(mapping, key):
    """``mapping[key]`` (a figure by its code), or None."""
    return (mapping or {}).get(key)
