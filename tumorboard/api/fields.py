"""Strict text: where the schema says string, a JSON number or boolean is refused, not read as its digits.

DRF's CharField turns ``0`` into ``"0"``; an integration that sends ``{"reason": 0}`` has a bug, and storing "0" as a
reason hides it. Every text field of the API is a ``StrictCharField``: declared ones by name, model ones through
``ModelSerializer``'s field mapping."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Must be text (a JSON string), not a number, true/false or a list."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer whose text columns are strict (StrictCharField)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


def required_text_serializer(component: str, name: str, help_text: str) -> type[serializers.Serializer]:
    """A request body with one required, non-blank text field, for the document: the actions that need it (asking for
    information, declining, cancelling) are documented with it, while the view reads the body with its optional twin
    so that the permission is checked first (a 403 stays a 403) and a repeated action stays a no-op."""
    field = StrictCharField(max_length=4000, help_text=help_text)
    return type(f"{component}Serializer", (serializers.Serializer,), {name: field})
