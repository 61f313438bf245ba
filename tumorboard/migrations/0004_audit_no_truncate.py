"""On PostgreSQL, the audit table refuses TRUNCATE too (statement-level), as it refuses UPDATE and DELETE.

The test settings leave this guard out (AUDIT_TRUNCATE_GUARD): the test runner empties every table between
transactional tests with TRUNCATE. tests/tumorboard/test_audit.py installs it with this same SQL and proves it."""

from django.conf import settings
from django.db import migrations

from tumorboard.database import AUDIT_TABLE, TRUNCATE_GUARD


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and settings.AUDIT_TRUNCATE_GUARD:
        schema_editor.execute(TRUNCATE_GUARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS tumorboard_auditevent_no_truncate ON {AUDIT_TABLE}", params=None)


class Migration(migrations.Migration):
    dependencies = [("tumorboard", "0003_audit_sign_in_actions")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
