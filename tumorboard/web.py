"""What every page shares: running a service and turning its refusals into messages next to the form.

Pages read input with Django forms (``tumorboard.forms``) and call the services the API calls, so a rule is
written once; ``attempt`` maps what those raise to ``{field, code, message}`` errors, inside a savepoint so a
refused write leaves nothing half-written. A service shares its words with the API; the few that are a
developer's (``Object with public_id=… does not exist.``) are reworded here for the clinician reading the page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from tumorboard.api.errors import _django_validation
from tumorboard.errors import Conflict
from tumorboard.forms import AT_LEAST_ONE, BLANK, CHOOSE, DEVELOPER_PHRASES, NONEXISTENT

# A developer's phrasing of a refusal, by its code, as a page says it.
PAGE_WORDING = {
    "does_not_exist": NONEXISTENT,
    "required": BLANK,
    "blank": BLANK,
    "null": BLANK,
    "invalid_choice": CHOOSE,
    "empty": AT_LEAST_ONE,
    "min_length": AT_LEAST_ONE,
}


@dataclass
class Outcome:
    value: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_field(self) -> dict[str, list[str]]:
        """``{field: [message, ...]}``; errors of no field are under ``""``."""
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error["field"] or "", []).append(error["message"])
        return out


def attempt(call, *args, **kwargs) -> Outcome:
    """Run ``call`` in a savepoint; a validation error (400), a conflict (409) or a refusal (403) comes back
    as errors instead of an exception. Http404 propagates: what the user may not see does not exist."""
    try:
        with transaction.atomic():
            return Outcome(call(*args, **kwargs))
    except DjangoValidationError as exc:
        return Outcome(errors=[_for_clinicians(error) for error in _django_validation(exc)], status=400)
    except Conflict as exc:
        return Outcome(errors=[{"field": None, "code": exc.code, "message": exc.message}], status=409)
    except PermissionDenied as exc:
        message = str(exc) or "You may not do this."
        return Outcome(errors=[{"field": None, "code": "permission_denied", "message": message}], status=403)


def _for_clinicians(error: dict[str, Any]) -> dict[str, Any]:
    if any(phrase in error["message"] for phrase in DEVELOPER_PHRASES):
        return {**error, "message": PAGE_WORDING.get(error["code"], "Please check this value.")}
    return error


def uuid_or_none(value) -> uuid.UUID | None:
    """A public id from a query string or a form; None when it is not one (callers answer 400 or 404)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
