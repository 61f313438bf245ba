"""OpenAPI generation: every operation documents the error responses it can give, in the one error shape."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from tumorboard.api.errors import ErrorSerializer

_ERRORS = {
    "400": "Invalid input: each error names the field and the reason.",
    "401": "Not authenticated.",
    "403": "Authenticated, but not allowed to take this action.",
    "404": "Not found, or not visible to you.",
    "409": "Not allowed from the object's current state.",
}


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A nested list (``many=True``) documents its bounds (DRF checks them; drf-spectacular leaves them out)."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if field.min_length is not None:
                schema["minItems"] = field.min_length
            elif not field.allow_empty:
                schema["minItems"] = 1
        return schema

    def _get_request_body(self, direction="request"):
        """A body given as a raw JSON schema (a FHIR bundle) is required: drf-spectacular marks only serializers so."""
        body = super()._get_request_body(direction)
        if body is not None and isinstance(self.get_request_serializer(), dict):
            body["required"] = True
        return body

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # django-filter skips a single-value filter given an empty value (``?board=``) instead of rejecting
            # it; a multiple-choice filter (an array) rejects the empty choice.
            if parameter.get("in") == "query" and parameter.get("schema", {}).get("type") != "array":
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = set(_ERRORS)
        if self.method == "GET":
            codes -= {"409"}
        for code in sorted(codes):
            if code not in responses:
                # JSON, whatever the operation's success renders (an iCalendar file, a download)
                response = self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                )
                response["description"] = _ERRORS[code]
                responses[code] = response
        return responses


def add_links(result, generator, request, public):
    """drf-spectacular post-processing: OpenAPI links from where an object's id is given out to where it is used.

    A collection's ``POST`` (201), its ``GET`` (200, the first result) and its item's ``GET`` give ids: every
    operation under ``<collection>{id}/`` takes that id as ``{id}``, and every operation under
    ``<collection>{<name>_id}/`` (a case's documents, a meeting's agenda) as ``{<name>_id}``. Clients and
    schemathesis' stateful phase follow them."""
    paths = result.get("paths", {})
    for collection, operations in paths.items():
        if "{" in collection or not collection.endswith("/"):
            continue
        sources = [
            (operations[method]["responses"].get(code), pointer)
            for method, code, pointer in (("post", "201", "/id"), ("get", "200", "/results/0/id"))
            if method in operations
        ]
        item = paths.get(collection + "{id}/", {})  # an object read by its id gives it out again
        if "get" in item:
            sources.append((item["get"]["responses"].get("200"), "/id"))
        links = {}
        for path, targets in paths.items():
            rest = path[len(collection) :] if path.startswith(collection) else ""
            if not rest.startswith("{") or "}" not in rest:
                continue
            parameter = rest[1 : rest.index("}")]
            for operation in targets.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    links[operation["operationId"]] = parameter
        for response, pointer in sources:
            if response is None or not links:
                continue
            response["links"] = {
                target: {"operationId": target, "parameters": {parameter: f"$response.body#{pointer}"}}
                for target, parameter in sorted(links.items())
            }
    return result
