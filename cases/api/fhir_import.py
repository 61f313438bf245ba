"""POST /api/v1/fhir/import/: a patient's FHIR R4 Bundle (mCODE) becomes a draft case, or updates the case of the same
patient's same primary cancer. Thin: parse (bounded), read the bundle, call ``case_import``, serialize."""

from __future__ import annotations

import hashlib
import io
import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.api.serializers import CaseSerializer
from cases.case_checks import NONEXISTENT
from cases.fhir.clinical import read_bundle
from cases.fhir.parse import BUNDLE_TYPES, BundleRefused
from cases.services.fhir_import import case_import, refusal_at_paths
from scheduling.selectors import boards_targetable_by
from tumorboard.api.errors import ErrorSerializer, errors_response
from tumorboard.api.fields import StrictCharField
from tumorboard.api.parsers import JSONParser


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    """JSON read no further than ``FHIR_IMPORT_MAX_BYTES``: a larger body is refused (413) before it is parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.FHIR_IMPORT_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The bundle is larger than {limit} bytes.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class FhirJSONParser(BoundedJSONParser):
    media_type = "application/fhir+json"


class ImportWarningSerializer(serializers.Serializer):
    path = StrictCharField(help_text="Where in the bundle: entry[7].resource")
    message = StrictCharField()


class FhirImportSerializer(serializers.Serializer):
    case = CaseSerializer(read_only=True)
    created = serializers.BooleanField(help_text="True when the import made a new case, false when it updated one.")
    changed = serializers.ListField(
        child=StrictCharField(), help_text="The case's facts this import wrote (clinical_t, biomarkers.ER, ...)."
    )
    kept = serializers.ListField(
        child=StrictCharField(), help_text="Facts the record gives differently but a person entered by hand: kept."
    )
    warnings = ImportWarningSerializer(many=True, help_text="What the bundle carries and was not imported, and why.")


# What the document can say of a bundle; each resource is validated by its fhir.resources model, which the errors'
# paths then name (a FHIR Bundle's whole JSON schema is not repeated here).
BUNDLE_SCHEMA = {
    "type": "object",
    "description": "A FHIR R4 Bundle holding one patient's mCODE resources.",
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "type": {"type": "string", "enum": list(BUNDLE_TYPES)},
        "entry": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"fullUrl": {"type": "string"}, "resource": {"type": "object"}},
            },
        },
    },
    "required": ["resourceType", "type"],
}
BOARD = OpenApiParameter(
    "board", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="A board of your institution for a new case."
)


def _board(request):
    value = request.query_params.get("board")
    if not value:
        return None
    try:
        public_id = uuid.UUID(value)
    except ValueError:
        raise exceptions.ValidationError({"board": [ErrorDetail("Must be a valid UUID.", code="invalid")]}) from None
    board = boards_targetable_by(request.user).filter(public_id=public_id).first()
    if board is None:
        message = NONEXISTENT.format(value=public_id)
        raise exceptions.ValidationError({"board": [ErrorDetail(message, code="does_not_exist")]})
    return board


class FhirImportView(APIView):
    parser_classes = [FhirJSONParser, BoundedJSONParser]

    @extend_schema(
        summary="Import a patient's FHIR R4 Bundle (mCODE) as a case",
        parameters=[BOARD],
        request={"application/fhir+json": BUNDLE_SCHEMA, "application/json": BUNDLE_SCHEMA},
        responses={
            201: OpenApiResponse(FhirImportSerializer, description="A new draft case."),
            200: OpenApiResponse(FhirImportSerializer, description="The case of this patient's cancer, updated."),
            413: OpenApiResponse(ErrorSerializer, description="The bundle is larger than FHIR_IMPORT_MAX_BYTES."),
        },
    )
    def post(self, request):
        board = _board(request)
        bundle = request.data
        try:
            facts = read_bundle(bundle)
        except BundleRefused as refused:
            return errors_response(status.HTTP_400_BAD_REQUEST, refused.errors)
        digest = hashlib.sha256(json.dumps(bundle, sort_keys=True).encode()).hexdigest()
        try:
            result = case_import(user=request.user, facts=facts, board=board, bundle_sha256=digest)
        except ValidationError as error:
            raise refusal_at_paths(facts, error) from None
        case = selectors.case_after_write(result.case)
        body = {
            "case": CaseSerializer(case, context={"request": request}).data,
            "created": result.created,
            "changed": result.changed,
            "kept": result.kept,
            "warnings": result.warnings,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
