import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``page`` and ``page_size`` (at most 100: larger sizes are capped). A malformed ``page_size`` is a 400."""

    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page, from 1 to 100; larger values are capped at 100."
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        digits = raw.lstrip("0") if re.fullmatch(r"[0-9]+", raw) else ""
        size = int(digits[:12]) if digits else 0  # more than 12 digits is capped anyway
        if size < 1:
            message = f"A whole number from 1 to {self.max_page_size} is required."
            raise ValidationError({self.page_size_query_param: [message]}, code="invalid")
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            # An empty value means "not given": the first page, the default size.
            parameter["allowEmptyValue"] = True
        return parameters
