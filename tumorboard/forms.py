"""Django forms for the pages, with refusals worded for the clinicians who read them.

The pages validate input with Django forms and formsets and call the same services as the API, so a rule is
written once (in the service). The API answers a developer in DRF's words ("This field may not be blank."); a page
answers a clinician, next to the field: "Please fill this in.", "Please choose one of the options offered.",
"Please enter a whole number.". ``DEVELOPER_PHRASES`` lists the phrasings a page never shows (a test submits every
form's refusals and looks for them), and ``tumorboard.web.attempt`` rewords the few a service shares with the API.

A form's errors leave it as a Django ``ValidationError({field: [...]})`` (``Form.cleaned_or_raise``), which
``tumorboard.web.attempt`` turns into the ``{field, code, message}`` errors the pages show, like a service's.

Repeated rows keep the pages' field names ``<prefix><field>_<n>`` (``bm_name_2``, ``modality_1``): ``RowForm``
names its fields so and ``RowFormSet`` (a ``formset_factory`` formset) counts the rows posted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, MAX_NUM_FORM_COUNT, MIN_NUM_FORM_COUNT, TOTAL_FORM_COUNT

BLANK = "Please fill this in."
REQUIRED = "Please fill this in."
CHOOSE = "Please choose one of the options offered."
NOT_A_CHOICE = '"%(value)s" is not one of the options offered: please choose from the list.'
MAX_CHARS = "Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d)."
NOT_AN_INTEGER = "Please enter a whole number."
NOT_A_NUMBER = "Please enter a number."
AT_LEAST = "Please enter %(limit_value)s or more."
AT_MOST = "Please enter %(limit_value)s or less."
NOT_A_DATE = "Please enter the date as year-month-day, for example 2026-03-14."
NOT_A_UUID = "Please choose one from the list."
NONEXISTENT = "That choice is not available (it may have been removed or belong elsewhere): please choose another."
TOO_MANY = "Please list at most {n}."
AT_LEAST_ONE = "Please add at least one."
NO_FILE = "Please choose a file to upload."
EMPTY_FILE = "The file is empty: please choose another."

# What DRF and Django say to a developer; a page says none of it (tests/pages/test_page_wording.py).
DEVELOPER_PHRASES = (
    "This field may not be blank",
    "This field is required",
    "This field may not be null",
    "is not a valid choice",
    "Select a valid choice",
    "This list may not be empty",
    "Ensure this field has",
    "Ensure this value",
    "A valid integer is required",
    "A valid number is required",
    "Enter a whole number",
    "Enter a number",
    "Enter a valid",
    "Date has wrong format",
    "Must be a valid UUID",
    "Object with public_id",
    "does not exist",
    "Expected a list of items",
    "Invalid pk",
    "No file was submitted",
    "The submitted file is empty",
    "Enter a list of values",
    "Management form data",
)

# Django's codes for the field checks every field class below words for a clinician.
MESSAGES = {
    "required": BLANK,
    "max_length": MAX_CHARS,
    "min_value": AT_LEAST,
    "max_value": AT_MOST,
    "invalid_choice": NOT_A_CHOICE,
    "invalid_list": NOT_A_UUID,
    "missing": NO_FILE,
    "empty": EMPTY_FILE,
    "contradiction": NO_FILE,
}


def messages(**overrides: str) -> dict[str, str]:
    """A field's ``error_messages``: the clinician's wording of every check, with ``overrides``."""
    return {**MESSAGES, **overrides}


class TextField(forms.CharField):
    """Text, stripped; blank refused unless ``required=False``."""

    def __init__(self, *, max_length: int | None = None, required: bool = True, **kwargs):
        wording = messages(**kwargs.pop("error_messages", {}))
        super().__init__(max_length=max_length, required=required, error_messages=wording, **kwargs)


class ChoiceField(forms.ChoiceField):
    def __init__(self, *, choices, required: bool = True, **kwargs):
        super().__init__(choices=choices, required=required, error_messages=messages(required=CHOOSE), **kwargs)


class MultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, choices, required: bool = False, **kwargs):
        wording = messages(required=CHOOSE, invalid_list=CHOOSE)
        super().__init__(choices=choices, required=required, error_messages=wording, **kwargs)


class IntegerField(forms.IntegerField):
    def __init__(self, *, required: bool = False, **kwargs):
        wording = messages(required=NOT_AN_INTEGER, invalid=NOT_AN_INTEGER, step_size=NOT_AN_INTEGER)
        super().__init__(required=required, error_messages=wording, **kwargs)


class FloatField(forms.FloatField):
    def __init__(self, *, required: bool = False, **kwargs):
        wording = messages(required=NOT_A_NUMBER, invalid=NOT_A_NUMBER)
        super().__init__(required=required, error_messages=wording, **kwargs)


class DateField(forms.DateField):
    def __init__(self, *, required: bool = False, **kwargs):
        wording = messages(required=NOT_A_DATE, invalid=NOT_A_DATE)
        super().__init__(required=required, input_formats=["%Y-%m-%d"], error_messages=wording, **kwargs)


class UUIDField(forms.UUIDField):
    def __init__(self, *, required: bool = False, **kwargs):
        wording = messages(required=NOT_A_UUID, invalid=NOT_A_UUID, **kwargs.pop("error_messages", {}))
        super().__init__(required=required, error_messages=wording, **kwargs)


class FileField(forms.FileField):
    def __init__(self, *, required: bool = True, **kwargs):
        super().__init__(required=required, error_messages=messages(required=NO_FILE), **kwargs)


class PublicIdField(forms.ModelChoiceField):
    """An object named by its public id within ``queryset``; any other id reads as nonexistent."""

    def __init__(self, queryset, *, required: bool = False, **kwargs):
        super().__init__(queryset, required=required, to_field_name="public_id", **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(public_id=value)
        except (self.queryset.model.DoesNotExist, ValidationError, ValueError, TypeError):
            raise ValidationError(NONEXISTENT, code="does_not_exist", params={"value": value}) from None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(REQUIRED, code="required")


class FlagInput(forms.CheckboxInput):
    """A checkbox posting ``true``; anything else is unticked."""

    def value_from_datadict(self, data, files, name):
        return data.get(name) == "true"


class FlagField(forms.BooleanField):
    widget = FlagInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class Form(forms.Form):
    """A page's form. ``cleaned_or_raise`` answers its cleaned data or raises its errors as the services do.

    ``defaults``: values of fields not posted at all (as the API's defaults); a required field not posted at all
    is "This field is required." (and so is a blank one when ``blank_is_missing``, where the page leaves blank
    fields out as a JSON body would)."""

    error_prefix = ""  # ``doc_1`` names the errors of a document row ``doc_1.file``
    defaults: dict[str, Any] = {}
    blank_is_missing = False

    def __init__(self, data=None, files=None, **kwargs):
        if data is not None and self.defaults:
            data = data.copy()
            for name, value in self.defaults.items():
                data.setdefault(name, value)
        super().__init__(data, files, **kwargs)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, errors in self._errors.items():
            if name not in self.fields:
                continue
            key = self.add_prefix(name)
            missing = key not in self.data and key not in self.files
            for error in errors.as_data():  # the form's own error objects
                if error.code == "required" and (missing or self.blank_is_missing):
                    error.message, error.params = REQUIRED, None

    def error_dict(self) -> dict[str, list[ValidationError]]:
        out = {}
        for name, errors in self.errors.as_data().items():
            key = name if name != forms.forms.NON_FIELD_ERRORS else ""
            key = f"{self.error_prefix}.{key}" if self.error_prefix and key else (key or self.error_prefix or name)
            out[key] = errors
        return out

    def cleaned_or_raise(self) -> dict[str, Any]:
        if not self.is_valid():
            raise ValidationError(self.error_dict())
        return self.cleaned_data


# --- Repeated rows ------------------------------------------------------------------------------------------


class RowForm(Form):
    """One row of a repeated part of a form; its fields are posted as ``<row_prefix><field>_<n>``."""

    row_prefix = ""
    preset: frozenset[str] = frozenset()  # fields with a preselected value: alone they do not make a row

    def __init__(self, *args, number: int = 0, **kwargs):
        self.number = number
        super().__init__(*args, **kwargs)

    def add_prefix(self, field_name: str) -> str:
        return f"{self.row_prefix}{field_name}_{self.number}"

    def has_changed(self) -> bool:
        """A row is filled when any field but the preset ones carries something (a file, or non-blank text)."""
        for name in self.fields:
            if name in self.preset:
                continue
            key = self.add_prefix(name)
            if self.files.get(key) is not None or (self.data.get(key) or "").strip():
                return True
        return False


class RowFormSet(forms.BaseFormSet):
    """The rows posted (numbered as posted, at most ``max_rows``), each a ``RowForm``; unfilled rows are skipped."""

    max_rows = 100

    def __init__(self, data=None, files=None, **kwargs):
        self.numbers = self._posted_numbers(data, files) if data is not None else []
        super().__init__(data, files, **kwargs)

    def _posted_numbers(self, data, files) -> list[int]:
        form = self.form
        names = set(form.base_fields)
        numbers = set()
        for key in [*data, *(files or {})]:
            if not key.startswith(form.row_prefix):
                continue
            head, _, number = key[len(form.row_prefix) :].rpartition("_")
            if head in names and number.isdigit():
                numbers.add(int(number))
        return sorted(numbers)[: self.max_rows]

    @property
    def management_form(self):
        counts = {TOTAL_FORM_COUNT: len(self.numbers), INITIAL_FORM_COUNT: 0, MIN_NUM_FORM_COUNT: 0}
        counts[MAX_NUM_FORM_COUNT] = self.max_rows
        form = forms.formsets.ManagementForm(
            {f"{self.prefix}-{k}": v for k, v in counts.items()}, prefix=self.prefix, renderer=self.renderer
        )
        form.full_clean()
        return form

    def total_form_count(self) -> int:
        return len(self.numbers)

    def initial_form_count(self) -> int:
        return 0

    def get_form_kwargs(self, index):
        return {"number": self.numbers[index]} if index is not None else {}

    @property
    def filled(self) -> list[RowForm]:
        """The rows that carry something, in order."""
        return [form for form in self.forms if form.has_changed()]

    def error_dict(self) -> dict[str, list]:
        """Each filled row's errors, named ``<row_prefix><field>_<n>`` as the row's fields are."""
        out = {}
        for form in self.filled:
            for name, errors in form.errors.as_data().items():
                out[form.add_prefix(name) if name != forms.forms.NON_FIELD_ERRORS else form.add_prefix("")] = errors
        return out


def row_formset(form: type[RowForm], *, max_rows: int = 100) -> type[RowFormSet]:
    formset = forms.formset_factory(form, formset=RowFormSet, extra=0, max_num=max_rows, absolute_max=max_rows)
    formset.max_rows = max_rows
    return formset


def item_errors(errors: dict[str, list[str]], name: str) -> tuple[dict[int, dict[str, list[str]]], dict]:
    """Split a service's errors into those of the items of list ``name`` (``components[1].drugs`` →
    ``{1: {"drugs": [...]}}``) and the rest."""
    items: dict[int, dict[str, list[str]]] = {}
    rest: dict[str, list[str]] = {}
    for key, messages in errors.items():
        head, _, field = key.partition(".")
        index = head[len(name) + 1 : -1] if head.startswith(f"{name}[") and head.endswith("]") else ""
        if index.isdigit() and field:
            items.setdefault(int(index), {}).setdefault(field, []).extend(messages)
        else:
            rest.setdefault(key, []).extend(messages)
    return items, rest
