"""The case list (``/cases/``, SPEC §9): the cases the user sees (``cases.selectors.case_table``), searched by the
patient's name or MRN, filtered with the API's own filter set (``cases.filters.CaseFilter``), sorted and paged.

A search is a read of patient data by a term that is itself patient data: ``tumorboard.reads.audited_search``
writes that the user searched and how many cases matched, never the term. The rows shown are audited as a listing.
A filter value the page does not know (an old bookmark, an edited address) is left out with a message saying so;
the rest of the filter still applies.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases import selectors
from cases.codes import CaseStatus, DiseaseSite, Urgency
from cases.filters import CaseFilter
from cases.models import Case
from tumorboard.forms import ChoiceField, Form, TextField
from tumorboard.reads import audited_list, audited_search

PAGE_SIZE = 25
VIEW = "case list"
FILTERS = {
    "status": "status",
    "board": "board",
    "primary_site": "primary site",
    "urgency": "urgency",
    "meeting": "meeting",
}
# the columns a list can be sorted by: what the address says → the ordering (the meeting's start, none last)
SORTS = {
    "patient": F("patient__name"),
    "mrn": F("patient__mrn"),
    "site": F("primary_site"),
    "stage": F("stage_group"),
    "status": F("status"),
    "urgency": F("urgency"),
    "board": F("board__name"),
    "meeting": F("meeting__starts_at"),
    "updated": F("updated_at"),
}
DEFAULT_SORT = "-updated"
COLUMNS = [
    ("patient", "Patient"), ("mrn", "MRN"), ("site", "Primary site"), ("stage", "Stage"), ("status", "Status"),
    ("urgency", "Urgency"), ("board", "Board"), ("meeting", "Meeting"), ("updated", "Updated"),
]  # fmt: skip
SORT_CHOICES = [(key, key) for name in SORTS for key in (name, f"-{name}")]


class CaseSearchForm(Form):
    q = TextField(label="Patient name or MRN", max_length=100, required=False)
    sort = ChoiceField(label="Sort", choices=SORT_CHOICES, required=False)


def _ordering(sort: str) -> list:
    field = SORTS[sort.lstrip("-")]
    first = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return [first, "-id" if sort.startswith("-") else "id"]


def _filtered(params: QueryDict, queryset) -> tuple[object, dict[str, list[str]]]:
    """The cases ``params`` filter to, and a message for each filter value left out as unknown."""
    params = params.copy()
    for key in FILTERS:  # "any" is the empty choice of each select
        params.setlist(key, [v for v in params.getlist(key) if v])
    filters = CaseFilter(params, queryset=queryset)
    errors: dict[str, list[str]] = {}
    if not filters.is_valid():
        for field in filters.errors:
            label = FILTERS.get(field, field.replace("_", " "))
            errors[field] = [f"This {label} is not one the list offers, so the list is not filtered by {label}."]
            params.pop(field, None)
        filters = CaseFilter(params, queryset=queryset)
    return filters.qs, errors


def _link(kept: QueryDict, **changes) -> str:
    query = kept.copy()
    for name, value in changes.items():
        query[name] = value
    return f"?{query.urlencode()}"


def _columns(kept: QueryDict, sort: str) -> list[dict[str, str]]:
    """The column headers: each a link sorting by it (again: the other way), the sorted one marked for
    assistive technology with ``aria-sort``."""
    columns = []
    for name, label in COLUMNS:
        current = sort.lstrip("-") == name
        descending = sort.startswith("-")
        if current:
            to = name if descending else f"-{name}"
        else:
            to = f"-{name}" if name == "updated" else name
        aria = ("descending" if descending else "ascending") if current else ""
        columns.append({"label": label, "href": _link(kept, sort=to), "aria_sort": aria})
    return columns


@login_required
@require_GET
def case_list_page(request):
    user = request.user
    form = CaseSearchForm(request.GET)
    form.is_valid()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    if errors.pop("sort", None):  # an edited address: no control to show it next to
        errors[""] = ["That sort order is not one the list offers, so the list is sorted by the latest change."]
    term = form.cleaned_data.get("q") or ""
    sort = form.cleaned_data.get("sort") or DEFAULT_SORT
    scope = selectors.case_table(user)
    rows, filter_errors = _filtered(request.GET, scope)
    errors |= filter_errors
    if term:
        rows = selectors.cases_matching(rows, term)
    page = Paginator(rows.order_by(*_ordering(sort)), PAGE_SIZE).get_page(request.GET.get("page"))
    if term:
        cases = audited_search(page.object_list, user=user, model=Case, matches=page.paginator.count, view=VIEW)
    else:
        cases = audited_list(page.object_list, user=user, view=VIEW)
    for case in cases:
        case.time_zone = selectors.case_timezone(case)
    kept = request.GET.copy()  # what the pager and the column headers carry on: the filters the list applied
    for name in [*errors, "page"]:
        kept.pop(name or "sort", None)
    context = {
        "page": page,
        "cases": cases,
        "errors": errors,
        "term": term if "q" not in errors else request.GET.get("q", ""),
        "sort": sort,
        "columns": _columns(kept, sort),
        "previous": _link(kept, page=page.previous_page_number()) if page.has_previous() else "",
        "next": _link(kept, page=page.next_page_number()) if page.has_next() else "",
        "filtered": any(request.GET.get(k) for k in [*FILTERS, "q"] if k not in errors),
        "chosen": {key: request.GET.get(key, "") for key in FILTERS if key not in errors},
        "statuses": CaseStatus.choices,
        "sites": DiseaseSite.choices,
        "urgencies": Urgency.choices,
        "can_create": user.institution_id is not None,
        **selectors.case_list_choices(scope),
    }
    return render(request, "cases/pages/case_list.html", context)


urlpatterns = [path("cases/", case_list_page, name="case-list")]
