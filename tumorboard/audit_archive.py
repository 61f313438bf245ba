"""The audit log's months on PostgreSQL: partitions made ahead of time, and the months past retention archived.

Partitions (tumorboard/database.py): ``audit_partitions_ahead`` makes this month's and the next
AUDIT_PARTITION_MONTHS_AHEAD months' (the daily task and ``manage.py audit_partitions``); a row whose month has none
lands in the DEFAULT partition, so an insert never fails.

Archive (``manage.py audit_archive``): a month older than AUDIT_RETENTION_MONTHS is written to a gzip file of JSON
lines (one row each, as PostgreSQL's row_to_json gives it, by id), the file read back and compared row by row with
the partition, its SHA-256 and row count recorded in the manifest (AuditArchive), and only then the partition
detached and dropped, all in one transaction that holds the partition against inserts. The trail is moved, never
lost: a month whose file does not match stays in the database. A month's rows the DEFAULT partition took are first
moved into a partition of their own.
"""

from __future__ import annotations

import datetime
import getpass
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from tumorboard.database import AUDIT_DEFAULT_PARTITION as DEFAULT
from tumorboard.database import AUDIT_TABLE, audit_partitions, audit_partitions_ensure
from tumorboard.models import AuditArchive

_PREFIX = f"{AUDIT_TABLE}_p"


def _month_add(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _this_month() -> datetime.date:
    return timezone.now().date().replace(day=1)


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def audit_partitions_ahead(months_ahead: int | None = None) -> list[str]:
    """Make this month's partition and the next ``months_ahead`` months'; the names made (none on SQLite)."""
    if not partitioned():
        return []
    ahead = settings.AUDIT_PARTITION_MONTHS_AHEAD if months_ahead is None else months_ahead
    return audit_partitions_ensure(connection, [_month_add(_this_month(), n) for n in range(ahead + 1)])


def retention_cutoff(retention_months: int | None = None) -> datetime.date:
    """The first month kept: every month before it is past retention."""
    months = settings.AUDIT_RETENTION_MONTHS if retention_months is None else retention_months
    return _month_add(_this_month(), -months)


@dataclass
class Archived:
    month: datetime.date
    partition: str
    rows: int
    path: Path
    sha256: str = ""


def _sql(template: str, *tables: str) -> str:
    """``template`` with the ``{}`` filled by ``tables`` as quoted identifiers."""
    return sql.SQL(template).format(*map(sql.Identifier, tables)).as_string(connection.connection)


def _count(cursor, table: str) -> int:
    cursor.execute(_sql("SELECT count(*) FROM {}", table))
    return cursor.fetchone()[0]


def _lines(table: str) -> Iterator[str]:
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(_sql("SELECT row_to_json(t)::text FROM {} t ORDER BY id", table))
        for (line,) in cursor:
            yield line
    finally:
        cursor.close()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_rows(path: Path) -> Iterator[dict]:
    """The rows of an archive file, as dicts (id, at, user_id, action, object_type, object_id, patient_id, ip,
    request_id, detail), by id."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            yield json.loads(line)


def audit_archive_verify(archive: AuditArchive) -> list[str]:
    """What is wrong with a listed archive's file (missing, another hash, another row count); [] if nothing."""
    path = Path(archive.path)
    if not path.exists():
        return [f"{path} is missing"]
    problems = []
    if file_sha256(path) != archive.sha256:
        problems.append(f"{path}: SHA-256 differs from the manifest's")
    elif sum(1 for _ in archive_rows(path)) != archive.rows:
        problems.append(f"{path}: row count differs from the manifest's")
    return problems


def _due(cutoff: datetime.date) -> list[Archived]:
    """The partitions whose month ends before ``cutoff``, after moving the DEFAULT partition's rows of such months
    into partitions of their own."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql("SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM {} WHERE at < %s", DEFAULT),
            [datetime.datetime.combine(cutoff, datetime.time(), tzinfo=datetime.UTC)],
        )
        stray = [month for (month,) in cursor.fetchall()]
    audit_partitions_ensure(connection, stray)
    due = []
    for name, _bounds in audit_partitions(connection):
        if not name.startswith(_PREFIX):
            continue
        month = datetime.datetime.strptime(name.removeprefix(_PREFIX), "%Y_%m").date()
        if _month_add(month, 1) <= cutoff:
            with connection.cursor() as cursor:
                rows = _count(cursor, name)
            due.append(Archived(month=month, partition=name, rows=rows, path=Path()))
    return due


def _export(item: Archived, directory: Path) -> None:
    """Write the partition's rows to its file, read the file back against the partition, and hash it."""
    directory.mkdir(parents=True, exist_ok=True)
    item.path = directory / f"{item.partition}.jsonl.gz"
    written = 0
    with item.path.open("wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
            for line in _lines(item.partition):
                stream.write(line.encode("utf-8") + b"\n")
                written += 1
        raw.flush()
        os.fsync(raw.fileno())
    with gzip.open(item.path, "rt", encoding="utf-8") as stream:
        read_back = sum(1 for line, row in zip(stream, _lines(item.partition), strict=True) if line[:-1] == row)
    if not written == read_back == item.rows:
        raise RuntimeError(
            f"{item.path}: {read_back} of {item.rows} rows read back as written; {item.partition} is kept."
        )
    item.sha256 = file_sha256(item.path)


def audit_archive(
    *, retention_months: int | None = None, directory: Path | None = None, by: str = "", dry_run: bool = False
) -> list[Archived]:
    """Archive every month past retention, one transaction per month; the months archived (or due, in a dry run)."""
    if not partitioned():
        return []
    directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
    cutoff = retention_cutoff(retention_months)
    with transaction.atomic():
        due = _due(cutoff)
    if dry_run:
        for item in due:
            item.path = directory / f"{item.partition}.jsonl.gz"
        return due
    by = by or getpass.getuser()
    for item in due:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # checks still deferred on the rows (their foreign keys) would forbid dropping the table
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # inserts into the month wait until it is gone (then they land in the DEFAULT partition)
                cursor.execute(_sql("LOCK TABLE {} IN SHARE MODE", item.partition))
                item.rows = _count(cursor, item.partition)
            if AuditArchive.objects.filter(month=item.month).exists():
                raise RuntimeError(f"{item.month:%Y-%m} is archived already, yet {item.partition} holds rows.")
            _export(item, directory)
            AuditArchive.objects.create(
                month=item.month, rows=item.rows, path=str(item.path), sha256=item.sha256, archived_by=by
            )
            with connection.cursor() as cursor:
                cursor.execute(_sql("ALTER TABLE {} DETACH PARTITION {}", AUDIT_TABLE, item.partition))
                cursor.execute(_sql("DROP TABLE {}", item.partition))
    return due
