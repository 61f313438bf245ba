"""The audit log's months on PostgreSQL: a partition per month made ahead, a DEFAULT one so an insert never fails,
and the months past retention archived to files that are hashed, listed and read back (tumorboard.audit_archive)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tumorboard.audit_archive import (
    archive_rows,
    audit_archive,
    audit_archive_verify,
    audit_partitions_ahead,
    retention_cutoff,
)
from tumorboard.database import (
    AUDIT_DEFAULT_PARTITION,
    TRUNCATE_GUARD,
    app_role_grant,
    audit_partitions,
    audit_partitions_ensure,
)
from tumorboard.models import AuditArchive, AuditEvent

pytestmark = pytest.mark.django_db

OLD = [datetime.datetime(2015, 3, d, 12, tzinfo=datetime.UTC) for d in (2, 17, 31)] + [
    datetime.datetime(2015, 4, 1, 0, 0, tzinfo=datetime.UTC)
]


def insert(at: datetime.datetime, object_id: str, detail: dict | None = None) -> int:
    """A row written at ``at`` (the model stamps ``at`` itself, so SQL), its id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tumorboard_auditevent (at, action, object_type, object_id, detail, request_id, ip) "
            "VALUES (%s, 'read', 'cases.case', %s, %s, 'req-1', '10.0.0.1') RETURNING id",
            [at, object_id, json.dumps(detail or {})],
        )
        return cursor.fetchone()[0]


def partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM tumorboard_auditevent WHERE id = %s", [event_id])
        return cursor.fetchone()[0]


def names() -> set[str]:
    return {name for name, _bounds in audit_partitions(connection)}


def test_the_table_is_partitioned_by_month_with_a_default_partition_and_months_ahead():
    with connection.cursor() as cursor:
        cursor.execute("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'tumorboard_auditevent'::regclass")
        assert cursor.fetchone() == ("r",)
    month = timezone.now().date().replace(day=1)
    ahead = (month + datetime.timedelta(days=95)).replace(day=1)
    assert {
        AUDIT_DEFAULT_PARTITION,
        f"tumorboard_auditevent_p{month:%Y_%m}",
        f"tumorboard_auditevent_p{ahead:%Y_%m}",
    } <= names()


def test_a_row_goes_to_its_month_and_one_of_a_month_without_a_partition_to_the_default(world, api):
    api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")
    read = AuditEvent.objects.get(action="read")
    assert partition_of(read.id) == f"tumorboard_auditevent_p{read.at:%Y_%m}"
    assert partition_of(insert(OLD[0], "old")) == AUDIT_DEFAULT_PARTITION


def test_making_a_month_moves_its_rows_out_of_the_default_partition_keeping_them():
    ids = [insert(at, f"o{i}") for i, at in enumerate(OLD)]
    made = audit_partitions_ahead(months_ahead=5)  # this month and five ahead: two more than the migration made
    assert len(made) == 2
    assert audit_partitions_ensure(connection, [datetime.date(2015, 3, 9)]) == ["tumorboard_auditevent_p2015_03"]
    assert [partition_of(i) for i in ids] == ["tumorboard_auditevent_p2015_03"] * 3 + [AUDIT_DEFAULT_PARTITION]
    assert AuditEvent.objects.filter(id__in=ids).count() == 4
    assert audit_partitions_ensure(connection, [datetime.date(2015, 3, 1)]) == []  # made once


def test_a_partition_keeps_the_append_only_guards(world):
    event_id = insert(timezone.now(), "x")
    partition = partition_of(event_id)
    with connection.cursor() as cursor:
        cursor.execute(TRUNCATE_GUARD)
        cursor.execute(f"SELECT tumorboard_audit_partition_ensure('{OLD[0]:%Y-%m-%d}')")
    for statement in (
        f"DELETE FROM {partition}",
        f"UPDATE {partition} SET action = 'list'",
        "TRUNCATE tumorboard_auditevent_p2015_03",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
    assert AuditEvent.objects.filter(id=event_id).exists()


def test_archive_exports_hashes_lists_and_drops_only_the_months_past_retention(tmp_path):
    ids = [insert(at, f"o{i}", {"view": "case page", "n": i}) for i, at in enumerate(OLD)]
    recent = insert(timezone.now(), "recent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM tumorboard_auditevent t WHERE id = ANY(%s) ORDER BY id", [ids])
        originals = [json.loads(line) for (line,) in cursor.fetchall()]

    due = audit_archive(directory=tmp_path, dry_run=True)
    assert [(item.month, item.rows) for item in due] == [(datetime.date(2015, 3, 1), 3), (datetime.date(2015, 4, 1), 1)]
    assert not list(tmp_path.iterdir()) and not AuditArchive.objects.exists()
    assert AuditEvent.objects.filter(id__in=ids).count() == 4  # a dry run changes nothing

    done = audit_archive(directory=tmp_path, by="records officer")
    assert [item.partition for item in done] == ["tumorboard_auditevent_p2015_03", "tumorboard_auditevent_p2015_04"]
    manifest = list(AuditArchive.objects.all())
    assert [(a.month, a.rows, a.archived_by) for a in manifest] == [
        (datetime.date(2015, 3, 1), 3, "records officer"),
        (datetime.date(2015, 4, 1), 1, "records officer"),
    ]
    for archive in manifest:
        path = tmp_path / f"tumorboard_auditevent_p{archive.month:%Y_%m}.jsonl.gz"
        assert archive.path == str(path)
        assert archive.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert audit_archive_verify(archive) == []
    read_back = [row for archive in manifest for row in archive_rows(archive.path)]
    assert read_back == originals
    assert read_back[0]["detail"] == {"view": "case page", "n": 0} and read_back[0]["ip"] == "10.0.0.1"

    assert not AuditEvent.objects.filter(id__in=ids).exists()
    assert AuditEvent.objects.filter(id=recent).exists()
    assert not {"tumorboard_auditevent_p2015_03", "tumorboard_auditevent_p2015_04"} & names()
    assert audit_archive(directory=tmp_path) == []  # nothing left due


def test_a_changed_archive_file_is_reported(tmp_path):
    insert(OLD[0], "o")
    (archive_item,) = audit_archive(directory=tmp_path, by="x")
    with gzip.open(archive_item.path, "wt") as stream:
        stream.write('{"id": 1}\n')
    assert audit_archive_verify(AuditArchive.objects.get()) == [
        f"{archive_item.path}: SHA-256 differs from the manifest's"
    ]
    with pytest.raises(Exception, match="SHA-256 differs"):
        call_command("audit_archive", "--verify")


def test_an_export_that_fails_drops_nothing(tmp_path):
    ids = [insert(at, f"o{i}") for i, at in enumerate(OLD)]
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with pytest.raises(OSError):
        audit_archive(directory=not_a_directory, by="x")
    assert AuditEvent.objects.filter(id__in=ids).count() == 4
    assert not AuditArchive.objects.exists()


def test_the_retention_is_six_years_by_default(settings):
    assert settings.AUDIT_RETENTION_MONTHS == 72
    today = timezone.now().date()
    assert retention_cutoff() == datetime.date(today.year - 6, today.month, 1)


def test_the_commands_say_what_they_do(tmp_path, capsys):
    insert(OLD[0], "o")
    call_command("audit_archive", "--dry-run", "--directory", str(tmp_path))
    assert "Due: 2015-03, 1 rows" in capsys.readouterr().out
    call_command("audit_partitions", "--months-ahead", "4")
    assert "Made 1 partition(s)" in capsys.readouterr().out


def test_the_application_role_reaches_the_months_through_the_table_only_and_can_make_partitions(world):
    from tests.tumorboard.test_audit import as_role

    role = "tumorboard_app_partitions"
    app_role_grant(connection, role, password="test-only")
    event_id = insert(timezone.now(), "x")
    partition = partition_of(event_id)
    for statement in (f"SELECT * FROM {partition}", f"TRUNCATE {partition}", f"DELETE FROM {partition}"):
        with pytest.raises(DatabaseError, match="permission denied"), as_role(role) as cursor:
            cursor.execute(statement)
    with as_role(role) as cursor:
        cursor.execute("SELECT count(*) FROM tumorboard_auditevent WHERE id = %s", [event_id])
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT tumorboard_audit_partition_ensure('2015-03-01')")  # as the table's owner
        assert cursor.fetchone() == (True,)
    assert "tumorboard_auditevent_p2015_03" in names()
