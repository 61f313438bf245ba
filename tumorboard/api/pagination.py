import re

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models.query import FlatValuesListIterable
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


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


class _OpenEndedPage(Page):
    """A page of a list longer than its paginator counts: whether a next page exists is known from the rows read."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class _CappedPaginator(Paginator):
    """Counts at most ``COUNT_LIMIT`` + 1 objects: the cost of a page stays the same whether the user sees a thousand
    objects or a hundred thousand. Past the limit the last page is unknown: a page reads one object more than it shows
    to know whether another follows, and a page past the end is an invalid page (404), as before.

    When the objects are plain ids (a flat ``values_list``, as the case list's), the first ``COUNT_LIMIT`` + 1 are read
    in one query that gives both the count and any page within them; on PostgreSQL as one array (``ARRAY(subquery)``
    keeps the subquery's order), in a third of the Python time of reading them as a thousand rows (issue 20)."""

    COUNT_LIMIT = 1000

    @cached_property
    def _head(self) -> list | None:
        if getattr(self.object_list, "_iterable_class", None) is not FlatValuesListIterable:
            return None  # model instances: counted, and a page read by itself
        head = self.object_list[: self.COUNT_LIMIT + 1]
        connection = connections[head.db]
        if connection.vendor != "postgresql":
            return list(head)
        query = head.query.clone()
        query.subquery = True  # the ids alone, as django.contrib.postgres' ArraySubquery compiles them
        sql, params = query.get_compiler(connection=connection).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ARRAY({sql})", params)  # the ORM's SQL
            return cursor.fetchone()[0]

    @cached_property
    def count(self):
        if self._head is not None:
            return len(self._head)
        return self.object_list[: self.COUNT_LIMIT + 1].count()

    @property
    def count_exact(self) -> bool:
        return self.count <= self.COUNT_LIMIT

    @cached_property
    def num_pages(self):
        # past the limit, as many pages as PostgreSQL's OFFSET (a bigint) can reach: "last" and any page past the end
        # are empty pages, a 404
        return super().num_pages if self.count_exact else (2**63 - 1) // self.per_page - 1

    def page(self, number):
        if self.count_exact and self._head is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self._head is not None and (self.count_exact or bottom + self.per_page < len(self._head)):
            rows = self._head[bottom : bottom + self.per_page + 1]
        else:
            rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if self.count_exact:
            return Page(rows[: self.per_page], number, self)
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return _OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CappedCountPagination(Pagination):
    """``Pagination`` for lists that grow with the network (the cases): ``count`` is exact up to 1,000 and
    ``count_exact`` says so; past it ``count`` is 1,001, a lower bound (``count_exact`` false), and ``next`` is still
    right."""

    django_paginator_class = _CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"How many objects the list holds, counted up to {_CappedPaginator.COUNT_LIMIT:,}; past that, "
            f"{_CappedPaginator.COUNT_LIMIT + 1:,}: a lower bound (count_exact false)."
        )
        schema["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "Whether count is the exact number; false when the list may hold more than count.",
        }
        schema["required"] = [*schema.get("required", []), "count_exact"]
        return schema
