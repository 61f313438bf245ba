"""The case list at network scale (issue 20): the plan PostgreSQL makes reads indexes whoever asks, the count stops at
a limit, and past it the pages still walk every case once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.filters import CaseFilter
from cases.models import Case, Patient
from cases.selectors import case_list, cases_visible_to
from specialists.models import BoardRole
from tests.factories import MembershipFactory, UserFactory
from tumorboard.api.pagination import _CappedPaginator

pytestmark = pytest.mark.django_db


def _cases(world, board, count: int) -> None:
    patients = Patient.objects.bulk_create(
        Patient(institution=world.academic, mrn=f"S{board.pk}-{i}", name=f"P {i}", birth_date=datetime.date(1960, 1, 1))
        for i in range(count)
    )
    Case.objects.bulk_create(
        Case(patient=p, institution=world.academic, board=board, created_by=world.member, primary_site="breast")
        for p in patients
    )


@pytest.fixture
def big(world):
    """3,000 cases on the breast board, 30 on the thoracic one, and the planner's statistics of them."""
    _cases(world, world.board, 3000)
    _cases(world, world.other_board, 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    return world


def _plan(queryset, **settings) -> str:
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET LOCAL {name} = {value}")
    return queryset.explain()


def test_a_narrow_coordinators_cases_are_found_through_the_indexes_of_every_path(big):
    """Board, care team and the unassigned second opinions of a coordinator's institution: each path has an index
    and the planner ORs them into one bitmap (an OR with a join or an EXISTS would force a scan of every case)."""
    narrow = UserFactory(institution=big.academic)
    MembershipFactory(user=narrow, board=big.other_board, role=BoardRole.COORDINATOR)
    plan = _plan(cases_visible_to(narrow).values("pk"), enable_seqscan="off")
    assert "BitmapOr" in plan and "Seq Scan on cases_case" not in plan, plan
    assert "Index Cond: (id = ANY ($0))" in plan or "Index Cond: (id = ANY ($" in plan, plan


def test_a_page_of_a_wide_members_list_is_read_off_the_ordering_index(big):
    """The coordinator of the big board: the first page comes off the (created_at, id) index, not a sort of 3,000."""
    plan = _plan(case_list(big.coordinator)[:50], enable_sort="off")
    assert "using case_created_desc" in plan and "Seq Scan on cases_case" not in plan, plan


def test_every_filter_of_the_case_list_has_an_index():
    indexed = {index.fields[0].lstrip("-") for index in Case._meta.indexes}
    indexed |= {field.name for field in Case._meta.concrete_fields if field.db_index or field.unique}
    for name, declared in CaseFilter.base_filters.items():
        if declared.method:  # follow_up_due: an EXISTS on plans, by their indexed case
            continue
        assert declared.field_name.split("__")[0] in indexed, name


def test_past_the_count_limit_the_count_is_a_lower_bound_and_the_pages_walk_every_case_once(world, api, monkeypatch):
    _cases(world, world.board, 8)
    client = api(world.coordinator)
    expected = [str(c.public_id) for c in case_list(world.coordinator)]
    assert len(expected) == 9

    exact = client.get("/api/v1/cases/", {"page_size": 4}).json()
    assert (exact["count"], exact["count_exact"]) == (9, True)

    monkeypatch.setattr(_CappedPaginator, "COUNT_LIMIT", 5)
    seen, url, statements = [], "/api/v1/cases/?page_size=4", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        assert (body["count"], body["count_exact"]) == (6, False)  # six counted: at least six
        statements.append(len(queries.captured_queries))
        seen += [case["id"] for case in body["results"]]
        url = body["next"]
    assert seen == expected
    # the token, the first six ids (the count, and the first page within them), the cases; then the page's ids
    assert statements == [3, 4, 4]
    for page in (4, "last", 10**17):
        assert client.get("/api/v1/cases/", {"page_size": 4, "page": page}).status_code == 404, page


def test_a_filter_that_selects_the_ordering_s_columns_too_keeps_the_order_of_every_page(world, api, monkeypatch):
    """A status filter makes the ids' query DISTINCT, which selects the ordering's columns besides the id: the head
    of the list still comes back as the ids alone, in the list's order."""
    _cases(world, world.board, 8)
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:3]).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)  # the first created read last
    )
    statuses = sorted(set(case_list(world.coordinator).values_list("status", flat=True)))
    expected = [str(c.public_id) for c in case_list(world.coordinator).filter(status__in=statuses)]
    assert len(expected) == 9
    client = api(world.coordinator)
    for limit in (1000, 5):  # the head holds every page, then only the first
        monkeypatch.setattr(_CappedPaginator, "COUNT_LIMIT", limit)
        seen, url = [], "/api/v1/cases/?page_size=4&" + "&".join(f"status={status}" for status in statuses)
        while url:
            body = client.get(url).json()
            seen += [case["id"] for case in body["results"]]
            url = body["next"]
        assert seen == expected, limit
