"""PostgreSQL roles and guards that keep the audit log append-only at the database (SPEC §7).

- A trigger refuses UPDATE, DELETE (per row) and TRUNCATE (per statement) on the audit table, whoever asks.
- The application does not run as the owner of the tables: with DATABASE_APP_ROLE set, ``migrate`` (run as the owner)
  creates that role when DATABASE_APP_PASSWORD is given and it does not exist, and grants it reads and writes on every
  table except the audit table, where it may only read and insert. Not owning the table, it can neither drop nor
  disable the trigger; without the TRUNCATE, UPDATE and DELETE privileges it cannot empty or change the log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from psycopg import sql

AUDIT_TABLE = "tumorboard_auditevent"

TRUNCATE_GUARD = f"""
CREATE OR REPLACE TRIGGER tumorboard_auditevent_no_truncate
    BEFORE TRUNCATE ON {AUDIT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION tumorboard_audit_append_only();
"""


def app_role_grant(connection, role: str, password: str = "") -> None:
    """Create ``role`` (with ``password``, when given and the role is missing) and grant it what the application
    needs, the audit table read and insert only. Idempotent: run after every migrate, so new tables are covered."""
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
        audit = sql.Identifier(AUDIT_TABLE)
        run(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(audit, name))


def grants_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: grant DATABASE_APP_ROLE its privileges on PostgreSQL (tumorboard.apps)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and settings.DATABASE_APP_ROLE:
        app_role_grant(connection, settings.DATABASE_APP_ROLE, settings.DATABASE_APP_PASSWORD)
