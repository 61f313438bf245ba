"""The rules a case's profile obeys whoever writes it (the API, the pages, the admin, a task).

``case_create`` and ``case_update`` call ``case_references_check``; the API's case serializer calls it from its
``validate`` too, so its 400 names the same field, code and message, in the same order, as before the rule moved
here. Foreign references read as nonexistent (the message the API has always given): a physician or board of
another institution is not revealed to exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.selectors import physicians_eligible
from scheduling.selectors import boards_targetable_by

NONEXISTENT = "Object with public_id={value} does not exist."
METASTATIC = "A case with metastases must be marked metastatic."
# an organ-function measurement's date field → its value field and its name
ORGAN_DATES = {"gfr_date": ("gfr_ml_min", "GFR"), "lvef_date": ("lvef_percent", "LVEF"),
               "bilirubin_date": ("bilirubin_mg_dl", "bilirubin")}  # fmt: skip


def _nonexistent(field: str, obj) -> ValidationError:
    return ValidationError({field: [ValidationError(NONEXISTENT.format(value=obj.public_id), code="does_not_exist")]})


def case_references_check(*, user, data: dict[str, Any], case=None) -> None:
    """Raise ``ValidationError({field: [message]})`` when ``data`` (a case's validated profile, objects resolved)
    breaks a rule: the treating physician is an active user of the case's institution (the writer's, for a new
    case); the board is one of the writer's institution (``boards_targetable_by``); a metastasis count needs the
    case marked metastatic (the case's saved values count for what ``data`` leaves out)."""
    physician = data.get("treating_physician")
    if physician is not None:
        institution_id = case.institution_id if case is not None else user.institution_id
        if not physicians_eligible(institution_id).filter(pk=physician.pk).exists():
            raise _nonexistent("treating_physician", physician)
    board = data.get("board")
    if board is not None and not boards_targetable_by(user).filter(pk=board.pk).exists():
        raise _nonexistent("board", board)
    metastatic = data.get("metastatic", getattr(case, "metastatic", False))
    count = data.get("metastasis_count", getattr(case, "metastasis_count", None))
    if count and not metastatic:
        raise ValidationError({"metastasis_count": [ValidationError(METASTATIC, code="inconsistent")]})


def organ_function_check(data: dict[str, Any], case=None) -> None:
    """A measurement date needs its value; clearing a value (given as None) clears its date in ``data``. The
    API's serializer and the profile page call it on the data they give ``case_update``."""
    errors = {}
    for date_field, (value_field, label) in ORGAN_DATES.items():
        value = data[value_field] if value_field in data else getattr(case, value_field, None)
        if value is None and data.get(date_field) is not None:
            message = f"A date is given for the {label} but no {label} value."
            errors[f"organ_function.{date_field}"] = [ValidationError(message, code="inconsistent")]
        elif value is None and value_field in data:
            data[date_field] = None
    if errors:
        raise ValidationError(errors)


def future(message: str):
    """A validator refusing a date after today with ``message`` (pages and the API alike)."""

    def check(value):
        if value and value > timezone.localdate():
            raise ValidationError(message, code="invalid")

    return check
