"""The one error shape of the API: ``{"errors": [{"field", "code", "message"}]}``.

Every error the API answers goes through ``exception_handler``: DRF's exceptions, Django's
ValidationError/PermissionDenied/Http404 raised by services and selectors, and the domain's Conflict.
Nested field errors are flattened to paths such as ``patient.mrn`` or ``biomarkers[1].name``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from tumorboard.api.fields import StrictCharField
from tumorboard.errors import Conflict
from tumorboard.transactions import is_plain_read

NON_FIELD = {"non_field_errors", "__all__"}


def _flatten(detail: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):  # an item of a list serializer
                child = f"{path}[{key}]"
            elif key in NON_FIELD:
                child = path
            else:
                child = f"{path}.{key}" if path else str(key)
            out += _flatten(value, child)
        return out
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [_error(path, item) for item in detail]
        out = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                out += _flatten(item, f"{path}[{index}]")
            else:
                out += _flatten(item, path)
        return out
    return [_error(path, detail)]


def _error(field: str, message: Any) -> dict[str, Any]:
    return {"field": field or None, "code": getattr(message, "code", None) or "invalid", "message": str(message)}


def _django_validation(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "field": None if key in NON_FIELD else key,
                "code": err.code or "invalid",
                "message": " ".join(err.messages),
            }
            for key, errors in exc.error_dict.items()
            for err in errors
        ]
    return [{"field": None, "code": err.code or "invalid", "message": " ".join(err.messages)} for err in exc.error_list]


def errors_response(status_code: int, errors: list[dict[str, Any]], headers: dict | None = None) -> Response:
    return Response({"errors": errors}, status=status_code, headers=headers)


def _rollback(context: dict) -> None:
    """A write request's transaction is rolled back (tumorboard.transactions). A plain read runs in none, and a
    transaction it is inside of (a test's) is not its to end."""
    if not is_plain_read(context["request"]) and transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    if isinstance(exc, DjangoValidationError):
        _rollback(context)
        return errors_response(status.HTTP_400_BAD_REQUEST, _django_validation(exc))
    if isinstance(exc, Conflict):
        _rollback(context)
        return errors_response(status.HTTP_409_CONFLICT, [{"field": None, "code": exc.code, "message": exc.message}])
    if isinstance(exc, IntegrityError):
        _rollback(context)
        return errors_response(
            status.HTTP_409_CONFLICT,
            [
                {
                    "field": None,
                    "code": "conflict",
                    "message": "The change conflicts with another one; reload and retry.",
                }
            ],
        )
    if isinstance(exc, exceptions.APIException):
        _rollback(context)
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc.detail, dict | list):
            errors = _flatten(exc.detail)
        else:
            errors = [{"field": None, "code": exc.detail.code or exc.default_code, "message": str(exc.detail)}]
        return errors_response(exc.status_code, errors, headers)
    return None


class ErrorItemSerializer(serializers.Serializer):
    field = StrictCharField(allow_null=True, help_text="Path of the offending field, e.g. patient.mrn")
    code = StrictCharField()
    message = StrictCharField()


class ErrorSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)
