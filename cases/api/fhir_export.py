"""GET /api/v1/cases/{case_id}/fhir/: the case as a FHIR R4 Bundle (mCODE), for an electronic health record. Thin:
the case through the selector (404 for a case the user may not see), its rows, the builder, an audited read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.api.fhir_import import BUNDLE_SCHEMA
from cases.fhir.export import case_bundle
from tumorboard.reads import audited_read

FHIR_JSON = "application/fhir+json"


class FhirJSONRenderer(JSONRenderer):
    """A fhir.resources model serialized by the library; anything else (an error) as the house's JSON."""

    media_type = FHIR_JSON
    format = "fhir"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if hasattr(data, "model_dump_json"):
            return data.model_dump_json().encode()
        return super().render(data, accepted_media_type, renderer_context)


class FhirAsJSONRenderer(FhirJSONRenderer):
    """The same bundle for a client that accepts only application/json."""

    media_type = "application/json"
    format = "json"


EXPORT_SCHEMA = {
    **BUNDLE_SCHEMA,
    "description": "A FHIR R4 Bundle of type collection: the Patient, the primary cancer Condition, the staging, "
    "tumor-marker and ECOG Observations, a CarePlan per plan version (its drugs as MedicationRequests), a Task per "
    "second opinion, and the Organizations they name (mCODE STU4 profiles).",
}


class CaseFhirView(APIView):
    renderer_classes = [FhirJSONRenderer, FhirAsJSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:  # the house's errors ({errors: [...]}) are JSON, not FHIR
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        operation_id="cases_fhir_retrieve",
        summary="The case as a FHIR R4 Bundle (mCODE)",
        tags=["cases"],
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id")],
        responses={
            (200, FHIR_JSON): OpenApiResponse(EXPORT_SCHEMA, description="The case's bundle."),
            (200, "application/json"): OpenApiResponse(EXPORT_SCHEMA, description="The same, as application/json."),
        },
    )
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)  # 404 for a case the user may not see
        bundle = case_bundle(case, selectors.case_fhir_rows(request.user, case))
        audited_read([case], user=request.user, view="fhir export")
        return Response(bundle)
