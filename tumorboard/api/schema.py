"""OpenAPI generation: every operation documents the error responses it can give, in the one error shape."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from tumorboard.api.errors import ErrorSerializer

_ERRORS = {
    "400": "Invalid input: each error names the field and the reason.",
    "401": "Not authenticated.",
    "403": "Authenticated, but not allowed to take this action.",
    "404": "Not found, or not visible to you.",
    "409": "Not allowed from the object's current state.",
}


class AutoSchema(SpectacularAutoSchema):
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
