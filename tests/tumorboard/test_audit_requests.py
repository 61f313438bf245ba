"""A plain read runs in no transaction and writes its audit rows in one INSERT before its response leaves; a write
request runs in one transaction (tumorboard.transactions)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.conftest import token_for
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent

AUDIT_INSERT = 'INSERT INTO "tumorboard_auditevent"'


def writes_audit(sql: str) -> bool:
    """An INSERT of audit rows, alone or with the SELECT of what they record (cases.api.case_reads)."""
    return AUDIT_INSERT in sql


def audit_inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if writes_audit(q["sql"])]


@contextmanager
def statements():
    """Every statement the connection runs inside the block, with whether it ran in a transaction."""
    seen: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        seen.append((sql, connection.in_atomic_block or not connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.mark.parametrize("page_size", [1, 7])
def test_a_list_page_of_n_cases_is_n_audit_rows_in_one_insert(world, api, page_size):
    for _ in range(8):
        CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = api(world.coordinator).get("/api/v1/cases/", {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    assert len(audit_inserts(queries)) == 1
    assert AuditEvent.objects.count() - before == page_size
    assert set(AuditEvent.objects.filter(action="list").values_list("object_id", flat=True)) == {
        row["id"] for row in response.json()["results"]
    }


def test_a_page_that_reads_in_several_places_writes_one_insert(world, client):
    """The case list searched by name: a SEARCH row and a LIST row per case shown, one INSERT."""
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/", {"q": world.case.patient.name})
    assert response.status_code == 200
    assert len(audit_inserts(queries)) == 1
    assert AuditEvent.objects.filter(user=world.coordinator, action="search").count() == 1
    assert AuditEvent.objects.filter(user=world.coordinator, action="list").exists()


@pytest.mark.django_db(transaction=True)
def test_a_read_runs_no_statement_in_a_transaction_but_its_audit_insert(world, api):
    """The view's statements run in autocommit; the one INSERT of its audit rows, here in the statement that reads the
    case (cases.api.case_reads), commits by itself before the response leaves."""
    client = api(world.coordinator)
    with statements() as seen:
        response = client.get(f"/api/v1/cases/{world.case.public_id}/")
    assert response.status_code == 200
    assert len(seen) == 2  # the token with its user's memberships; the case with its lists and its audit row
    assert [sql for sql, in_transaction in seen if in_transaction] == []
    assert len([sql for sql, _ in seen if writes_audit(sql)]) == 1
    assert AuditEvent.objects.filter(action="read", object_id=str(world.case.public_id)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_write_runs_every_statement_in_one_transaction(world, api):
    client = api(world.member)
    with statements() as seen:
        response = client.post(f"/api/v1/cases/{world.case.public_id}/comments/", {"body": "Agree"})
    assert response.status_code == 201
    assert seen and all(in_transaction for _, in_transaction in seen)


@pytest.mark.django_db(transaction=True)
def test_a_write_that_fails_leaves_nothing_and_the_next_read_is_audited(world, api):
    before = AuditEvent.objects.count()
    assert api(world.member).post(f"/api/v1/cases/{world.case.public_id}/close/").status_code == 409
    assert AuditEvent.objects.count() == before
    assert api(world.member).get(f"/api/v1/cases/{world.case.public_id}/").status_code == 200
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_audit_insert_fails_answers_an_error_without_the_data(world):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(world.coordinator)}")

    def refuse(execute, sql, params, many, context):
        if writes_audit(sql):
            raise DatabaseError("the audit log is unavailable")
        return execute(sql, params, many, context)

    before = AuditEvent.objects.count()
    with connection.execute_wrapper(refuse):
        response = client.get(f"/api/v1/cases/{world.case.public_id}/")
    assert response.status_code == 500
    assert str(world.case.public_id).encode() not in response.content
    assert world.case.patient.name.encode() not in response.content
    assert AuditEvent.objects.count() == before
