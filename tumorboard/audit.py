"""Writing the audit log. Services call ``audit_write``; ``audit_read``, ``audit_read_statement`` and ``audit_search``
are called only by ``tumorboard.reads``, the one choke point every read of patient data goes through.

A write's row is saved in the write's transaction, so the change and its audit row commit together or not at all.
The rows of a plain read (a GET, which runs in no transaction: tumorboard.transactions) are collected while the
request is served and written in one multi-row INSERT before its response leaves (``audit_reads_collected``); if
that INSERT fails the request fails, so nothing is ever shown unaudited. Outside such a request (a write request,
a task, a command) a read's rows are written at once. The request id and client address come from the request
being served.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import JSONField
from django.utils import timezone

from tumorboard.database import prepared_cursor
from tumorboard.middleware import current_client_ip, current_request_id
from tumorboard.models import AuditAction, AuditEvent


class _Collected(list):
    """The read rows of the request being served; ``open`` until they are written."""

    open = True


_collected: contextvars.ContextVar[_Collected | None] = contextvars.ContextVar("audit_collected", default=None)


@contextmanager
def audit_reads_collected() -> Iterator[None]:
    """Collect the read rows written inside the block and write them in one INSERT when it ends without an error.
    An error inside the block writes nothing (no response is given), and an error of the INSERT propagates."""
    collected = _Collected()
    token = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(token)
        collected.open = False  # a row recorded after this (a thread that copied the context) is written at once
    if collected:
        _insert_in_autocommit(collected)


def _insert_in_autocommit(events: list[AuditEvent]) -> None:
    """The rows in one INSERT statement, which is atomic by itself: no BEGIN and COMMIT around it, which
    ``bulk_create`` adds and which cost a plain read two more round trips (issue 20). On PostgreSQL one prepared
    statement for any number of rows (``_insert_sql``: an array of values per column, unnested); inside a
    transaction, or on another database, ``bulk_create`` as everywhere else."""
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        AuditEvent.objects.bulk_create(events)
        return
    now = timezone.now()
    for event in events:
        event.at = now
    columns = [[_prepared(field, getattr(event, field.attname)) for event in events] for field in _insert_fields()]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(_insert_sql(connection.alias), columns)


def _prepared(field, value):
    """``value`` as the INSERT's arrays take it: JSON as its text (cast to jsonb in SQL), the rest as the field
    prepares it (``get_prep_value``: an IPv6 address cleaned), without the driver's wrappers of ``get_db_prep_save``,
    which cost a page of fifty rows a millisecond."""
    if isinstance(field, JSONField):
        return json.dumps(value, cls=field.encoder)
    return field.get_prep_value(value)


def _insert_fields() -> list:
    return [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


@cache
def _insert_sql(alias: str) -> str:
    connection = connections[alias]
    fields = _insert_fields()
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    return (
        f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} ({names}) SELECT * FROM UNNEST({arrays})"  # noqa: S608 - names
    )


# What each column of a read's row is in ``audit_read_statement``: a parameter of the statement, or SQL
_STATEMENT_VALUES = {
    "at": "statement_timestamp()",
    "user": "%s::bigint",
    "action": "%s",
    "object_type": "%s",
    "object_id": "shown.audit_object_id",
    "patient": "shown.audit_patient_id",
    "ip": "%s::inet",
    "request_id": "%s",
    "detail": "%s::jsonb",
}


def audit_read_statement(
    select: str, params: list, *, user, action: str, object_type: str, detail: dict | None, also: str = ""
) -> list[tuple]:
    """The rows of ``select``, each recorded as a read of ``object_type`` by ``user`` in the same statement: the
    SELECT and the INSERT of its audit rows are one statement, atomic by itself (a response built from the rows is
    never unaudited, and the INSERT costs no round trip of its own). ``select``'s columns are ``position`` (the rows
    come back in its order), ``audit_object_id`` (text), ``audit_patient_id``, then what the caller reads; the result
    has every column. ``also`` is one more data-modifying query of the WITH (``name AS (...)``, reading ``shown``)
    and takes no parameters. PostgreSQL only (a data-modifying WITH); the statement is prepared (``prepared_cursor``:
    its generic plan), for a SELECT whose plan does not depend on its parameters."""
    connection = connections[router.db_for_write(AuditEvent)]
    fields = _insert_fields()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = ", ".join(_STATEMENT_VALUES[field.name] for field in fields)
    constants = {
        "user": user.pk if user is not None and user.is_authenticated else None,
        "action": action,
        "object_type": object_type,
        "ip": current_client_ip(),
        "request_id": current_request_id(),
        "detail": json.dumps(detail or {}),
    }
    statement = (
        f"WITH shown AS ({select}), audited AS (INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} "  # noqa: S608 - names
        f"({columns}) SELECT {values} FROM shown){', ' + also if also else ''} SELECT * FROM shown ORDER BY position"
    )
    arguments = [*params, *(constants[field.name] for field in fields if "%s" in _STATEMENT_VALUES[field.name])]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(statement, arguments)
        return cursor.fetchall()


def _record(events: list[AuditEvent]) -> None:
    collected = _collected.get()
    if collected is not None and collected.open:
        collected.extend(events)
    elif events:
        AuditEvent.objects.bulk_create(events)


def _event(*, user, action: str, object_type: str, object_id: str, patient_id, detail: dict | None) -> AuditEvent:
    return AuditEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        ip=current_client_ip(),
        request_id=current_request_id(),
        detail=detail or {},
    )


def _describe(obj: Any) -> tuple[str, str, int | None]:
    object_type = obj._meta.label_lower
    object_id = str(getattr(obj, "public_id", obj.pk))
    patient_id = getattr(obj, "audit_patient_id", None)
    return object_type, object_id, patient_id


def _event_of(obj: Any, *, user, action: str, detail: dict | None) -> AuditEvent:
    """The (unsaved) row recording ``action`` on ``obj``."""
    object_type, object_id, patient_id = _describe(obj)
    return _event(
        user=user, action=action, object_type=object_type, object_id=object_id, patient_id=patient_id, detail=detail
    )


def audit_write(*, user, action: str, obj: Any, detail: dict | None = None) -> AuditEvent:
    """Record a write (create, update, transition, ...) of ``obj`` by ``user``."""
    event = _event_of(obj, user=user, action=action, detail=detail)
    event.save()
    return event


def audit_write_many(*, user, action: str, writes: Iterable[tuple[Any, dict | None]]) -> None:
    """Record many writes of one action at once: a row per ``(obj, detail)``, one INSERT."""
    AuditEvent.objects.bulk_create([_event_of(obj, user=user, action=action, detail=detail) for obj, detail in writes])


def audit_read(*, user, objects: Iterable[Any], action: str = AuditAction.READ, detail: dict | None = None) -> None:
    """Record a read of each object that carries patient data: one row per object, one INSERT in all (or in the
    request's one INSERT, inside ``audit_reads_collected``)."""
    _record([_event_of(obj, user=user, action=action, detail=detail) for obj in objects])


def audit_search(*, user, object_type: str, detail: dict) -> None:
    """Record a search of patient records (``object_type``, e.g. ``cases.case``): one row with no object, as the
    search itself reads every record it scans. ``detail`` says what was searched and found, never the term."""
    _record(
        [
            _event(
                user=user,
                action=AuditAction.SEARCH,
                object_type=object_type,
                object_id="",
                patient_id=None,
                detail=detail,
            )
        ]
    )


def audit_report(*, user, action: str, object_type: str, object_id: str, detail: dict) -> None:
    """Record a report of aggregates shown or downloaded (``object_type``, e.g. ``cases.accreditation_report``, of
    the board or institution ``object_id``): one row with no patient, ``detail`` naming its scope and format."""
    _record(
        [_event(user=user, action=action, object_type=object_type, object_id=object_id, patient_id=None, detail=detail)]
    )
