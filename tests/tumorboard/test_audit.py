"""The audit log: a row for every read of patient data and every write, append-only at the database."""

import os
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from tumorboard.database import TRUNCATE_GUARD, app_role_grant
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_detail_read_is_audited_with_user_patient_ip_and_request_id(world, api):
    response = api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-42"
    event = AuditEvent.objects.get(action="read", object_id=str(world.case.public_id))
    assert event.user == world.coordinator
    assert event.patient == world.case.patient
    assert event.object_type == "cases.case"
    assert event.ip == "127.0.0.1"
    assert event.request_id == "req-42"


def test_list_read_audits_each_case_returned_and_nothing_else(world, api):
    api(world.referrer).get("/api/v1/cases/")
    events = AuditEvent.objects.filter(user=world.referrer, action="list")
    assert [e.object_id for e in events] == [str(world.community_case.public_id)]


def test_denied_read_writes_no_audit_row_and_a_write_writes_one(world, api):
    before = AuditEvent.objects.count()
    assert api(world.referrer2).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 404
    assert AuditEvent.objects.count() == before
    api(world.member).post(f"/api/v1/cases/{world.case.public_id}/comments/", {"body": "Agree"}, format="json")
    assert AuditEvent.objects.filter(action="create", object_type="cases.comment", user=world.member).count() == 1


def test_failed_write_rolls_back_its_audit_row_with_it(world, api):
    before = AuditEvent.objects.count()
    response = api(world.member).post(f"/api/v1/cases/{world.case.public_id}/close/")
    assert response.status_code == 409
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tumorboard_auditevent SET action = 'read'",
        "DELETE FROM tumorboard_auditevent",
    ],
)
def test_postgres_trigger_refuses_update_and_delete(world, api, statement):
    assert connection.vendor == "postgresql"
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    count = AuditEvent.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count


def test_orm_update_and_delete_are_refused_too(world, api):
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    event = AuditEvent.objects.first()
    event.action = "delete"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_audit_events_endpoint_is_for_admins_only(world, api):
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    for user in (world.coordinator, world.member, world.referrer):
        assert api(user).get("/api/v1/audit-events/").status_code == 403
    assert api(None).get("/api/v1/audit-events/").status_code == 401
    response = api(world.admin).get("/api/v1/audit-events/", {"patient": str(world.case.patient.public_id)})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and {r["patient"] for r in rows} == {str(world.case.patient.public_id)}
    assert set(rows[0]) >= {"at", "user", "action", "object_type", "object_id", "patient", "ip", "request_id"}
    assert api(world.admin).get("/api/v1/audit-events/", {"action": "read", "user": "coord"}).json()["count"] == 1


@pytest.fixture
def app_role(world, settings):
    """The application's role as migrate grants it (tumorboard/database.py), in this test's transaction only."""
    role = f"tumorboard_app_{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"
    app_role_grant(connection, role, password="test-only")
    with connection.cursor() as cursor:
        cursor.execute(TRUNCATE_GUARD)  # the guard the migration installs outside the test settings
    return role


@contextmanager
def as_role(role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        yield cursor


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE tumorboard_auditevent SET action = 'read'", "permission denied"),
        ("DELETE FROM tumorboard_auditevent", "permission denied"),
        ("TRUNCATE tumorboard_auditevent", "permission denied"),
        ("ALTER TABLE tumorboard_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER tumorboard_auditevent_append_only ON tumorboard_auditevent", "must be owner"),
        ("ALTER TABLE tumorboard_auditevent OWNER TO CURRENT_USER", "must be owner"),
    ],
)
def test_the_application_role_cannot_change_empty_or_unguard_the_audit_log(world, api, app_role, statement, refusal):
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match=refusal), as_role(app_role) as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count


def test_the_application_role_reads_writes_and_appends_to_the_audit_log(world, app_role):
    with as_role(app_role) as cursor:
        cursor.execute("SELECT count(*) FROM tumorboard_auditevent")
        cursor.execute(
            "INSERT INTO tumorboard_auditevent (at, action, object_type, object_id, detail, request_id) "
            "VALUES (now(), 'read', 'cases.case', 'x', '{}', '')"
        )
        cursor.execute("UPDATE cases_case SET question = question")
        cursor.execute("DELETE FROM cases_comment")


def test_truncate_is_refused_even_to_the_owner(world, api, app_role):
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts leave deferred checks pending
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"), transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE tumorboard_auditevent CASCADE")
    assert AuditEvent.objects.count() == count
