"""PostgreSQL roles and guards that keep the audit log append-only at the database (SPEC §7), and prepared statements
for the hottest reads (``prepared_cursor``).

- A trigger refuses UPDATE, DELETE (per row) and TRUNCATE (per statement) on the audit table, whoever asks.
- The application does not run as the owner of the tables: with DATABASE_APP_ROLE set, ``migrate`` (run as the owner)
  creates that role when DATABASE_APP_PASSWORD is given and it does not exist, and grants it reads and writes on every
  table except the audit table, where it may only read and insert. Not owning the table, it can neither drop nor
  disable the trigger; without the TRUNCATE, UPDATE and DELETE privileges it cannot empty or change the log.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import sql
from psycopg._queries import PostgresQuery, _query2pg_nocache

AUDIT_TABLE = "tumorboard_auditevent"
AUDIT_ARCHIVE_TABLE = "tumorboard_auditarchive"

TRUNCATE_GUARD = f"""
CREATE OR REPLACE TRIGGER tumorboard_auditevent_no_truncate
    BEFORE TRUNCATE ON {AUDIT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION tumorboard_audit_append_only();
"""


# psycopg's conversion of a statement's ``%s`` placeholders to ``$1`` ..., kept per statement text. psycopg keeps it
# only for statements under 4 kB; those prepared here are a few fixed texts, the case's representation 15 kB long,
# whose conversion was about a twentieth of a case detail's CPU in Python. It extends psycopg's private query class
# (the version is pinned in requirements.txt; tests/tumorboard/test_settings_and_health.py runs it).
_converted = lru_cache(maxsize=128)(_query2pg_nocache)


class _ConvertedOnce(PostgresQuery):
    def convert(self, query, vars):
        if vars is None or not isinstance(query, str | bytes):
            return super().convert(query, vars)
        query = self._ensure_bytes(query)
        self.query, self._want_formats, self._order, self._parts = _converted(query, self._tx.encoding)
        self.dump(vars)


class _PreparingCursor(ServerBindingCursor):
    """psycopg's server-side binding cursor that prepares every statement it runs (once per connection and SQL text;
    psycopg keeps the last 100 of a connection), converting its placeholders once."""

    _query_cls = _ConvertedOnce

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)

    def _convert_query(self, query, params=None):
        """Kept as ``_query``, where Django's query log reads a statement (psycopg keeps it only for those it does not
        prepare): the log shows the statement with its placeholders."""
        self._query = super()._convert_query(query, params)
        return self._query


@contextmanager
def prepared_cursor(using: str = "default"):
    """A cursor of the ``using`` connection whose statements PostgreSQL parses and plans once per connection, then
    runs with new parameters: for the few statements every API request runs (the token's, a case's representation),
    whose planning took longer than their execution (1.5-2 ms against 0.2 ms, issue 20). The connection's prepared
    statements are all these (Django's are not prepared), and the settings' ``plan_cache_mode`` gives each its
    generic plan. Django's wrapper is kept,
    so the statements are logged and counted as any other. Django leaves prepared statements off for connection
    poolers (PgBouncer in transaction mode before 1.21 cannot follow them); the application connects to PostgreSQL
    directly. Another database gets a plain cursor."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:  # Django's "never"; explicit preparation needs a number
        connection.connection.prepare_threshold = 2**31 - 1  # only the cursors here prepare (Django's bind client-side)
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_PreparingCursor(connection.connection))
    with cursor:
        yield cursor


def app_role_grant(connection, role: str, password: str = "") -> None:
    """Create ``role`` (with ``password``, when given and the role is missing) and grant it what the application
    needs, the audit table and its archive manifest read and insert only. Idempotent: run after every migrate, so new
    tables are covered."""
    name = sql.Identifier(role)
    connection.ensure_connection()

    def run(query: sql.Composable, params=None) -> None:
        cursor.execute(query.as_string(connection.connection), params)

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            if not password:
                raise RuntimeError(
                    f"The database role {role!r} does not exist: create it, or set DATABASE_APP_PASSWORD."
                )
            run(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(name, sql.Literal(password)))
        run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name))
        run(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name))
        run(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(name))
        for table in (AUDIT_TABLE, AUDIT_ARCHIVE_TABLE):
            revoke = sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}")
            run(revoke.format(sql.Identifier(table), name))
        # the partitions are reached through the table only (its privileges are the ones checked)
        for partition, _bounds in audit_partitions(connection):
            run(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(partition), name))


def grants_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: grant DATABASE_APP_ROLE its privileges on PostgreSQL (tumorboard.apps)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and settings.DATABASE_APP_ROLE:
        app_role_grant(connection, settings.DATABASE_APP_ROLE, settings.DATABASE_APP_PASSWORD)


# The audit table is partitioned by month on PostgreSQL (migration 0006): one partition per calendar month of ``at``
# (UTC), named tumorboard_auditevent_pYYYY_MM, and a DEFAULT partition that takes a row whose month has none, so an
# insert never fails. ``tumorboard_audit_partition_ensure(month)`` creates a month's partition (moving into it the
# rows the DEFAULT partition took for that month), with the TRUNCATE guard when the table has it. It runs as the
# table's owner (SECURITY DEFINER): the application's role, which owns nothing, calls it from the monthly task.
AUDIT_DEFAULT_PARTITION = f"{AUDIT_TABLE}_default"

PARTITION_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION tumorboard_audit_partition_name(month date) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT '{AUDIT_TABLE}_p' || to_char(month, 'YYYY_MM') $$;

CREATE OR REPLACE FUNCTION tumorboard_audit_partition_ensure(month date) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    low timestamptz := date_trunc('month', month::timestamp) AT TIME ZONE 'UTC';
    high timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
    name text := tumorboard_audit_partition_name(date_trunc('month', month::timestamp)::date);
    waiting boolean;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM {AUDIT_DEFAULT_PARTITION} WHERE at >= %L AND at < %L)', low, high)
        INTO waiting;
    IF waiting THEN
        -- the month's rows the DEFAULT partition took move into the new partition, in this one transaction
        ALTER TABLE {AUDIT_TABLE} DETACH PARTITION {AUDIT_DEFAULT_PARTITION};
        EXECUTE format('CREATE TABLE %I PARTITION OF {AUDIT_TABLE} FOR VALUES FROM (%L) TO (%L)', name, low, high);
        EXECUTE format('INSERT INTO %I SELECT * FROM {AUDIT_DEFAULT_PARTITION} WHERE at >= %L AND at < %L',
                       name, low, high);
        -- detached, the DEFAULT partition no longer has the table's append-only trigger: the moved rows leave it
        EXECUTE format('DELETE FROM {AUDIT_DEFAULT_PARTITION} WHERE at >= %L AND at < %L', low, high);
        ALTER TABLE {AUDIT_TABLE} ATTACH PARTITION {AUDIT_DEFAULT_PARTITION} DEFAULT;
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF {AUDIT_TABLE} FOR VALUES FROM (%L) TO (%L)', name, low, high);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '{AUDIT_TABLE}'::regclass
               AND tgname = 'tumorboard_auditevent_no_truncate') THEN
        EXECUTE format('CREATE TRIGGER tumorboard_auditevent_no_truncate BEFORE TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION tumorboard_audit_append_only()', name);
    END IF;
    RETURN true;
END;
$$;
"""  # noqa: S608 - names of the table, no input


def audit_partitions(connection) -> list[tuple[str, str]]:
    """The audit table's partitions as (name, bounds), oldest first, the DEFAULT partition last; [] if it has none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)"
            " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname = %s, c.relname",
            [AUDIT_TABLE, AUDIT_DEFAULT_PARTITION],
        )
        return cursor.fetchall()


def audit_partitions_ensure(connection, months: list) -> list[str]:
    """Create the partitions of ``months`` (dates, any day of the month) that are missing; the names created."""
    created = []
    with connection.cursor() as cursor:
        for month in months:
            cursor.execute(
                "SELECT tumorboard_audit_partition_ensure(%s), tumorboard_audit_partition_name(%s)",
                [month, month.replace(day=1)],
            )
            made, name = cursor.fetchone()
            if made:
                created.append(name)
    return created


def sqlite_json_probe(sender, connection, **kwargs) -> None:
    """On SQLite, tell Django the JSON functions exist with a plain read, before its own probe does so in an
    IMMEDIATE transaction: that probe needs the write lock, and run while another writer holds it, it would record
    for the life of the process that SQLite has no JSON support (every JSONObject query then fails)."""
    if connection.vendor != "sqlite" or "supports_json_field" in connection.features.__dict__:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT JSON('{}')")  # JSON1 is built into SQLite since 3.38; a reader never waits in WAL
    connection.features.__dict__["supports_json_field"] = True
