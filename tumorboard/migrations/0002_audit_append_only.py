"""On PostgreSQL, the audit table refuses UPDATE and DELETE: the log is append-only at the database."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION tumorboard_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tumorboard_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tumorboard_auditevent_append_only
    BEFORE UPDATE OR DELETE ON tumorboard_auditevent
    FOR EACH ROW EXECUTE FUNCTION tumorboard_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tumorboard_auditevent_append_only ON tumorboard_auditevent;
DROP FUNCTION IF EXISTS tumorboard_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("tumorboard", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
