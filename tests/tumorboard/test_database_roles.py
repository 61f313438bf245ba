"""The deployment's database roles, as docker-compose sets them up: ``migrate`` runs as the owner with
DATABASE_APP_ROLE and DATABASE_APP_PASSWORD and creates the application's role; the application, running as that role,
does its work (here: the whole demo load), but can neither change nor empty the audit log nor lift its guard; the
owner cannot empty it either."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
READ_CASES = """
from cases.api.case_reads import case_json, cases_json
from cases.models import Case
from specialists.models import User
from tumorboard.models import AuditEvent
admin = User.objects.filter(is_superuser=True).first()
case = Case.objects.order_by("id").first()
texts = [case_json(admin, case.public_id), *cases_json(admin, [case.pk])]
rows = AuditEvent.objects.filter(object_id=case.public_id).order_by("id")
print(len(set(texts)), *rows.values_list("action", flat=True))
"""


def manage(*args: str, url: str, **env: str) -> subprocess.CompletedProcess:
    test_only = {"DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER", "CELERY_BROKER_URL"}  # tasks run eagerly
    environment = {k: v for k, v in os.environ.items() if k not in test_only}
    environment |= {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def deployment(tmp_path):
    settings_dict = connection.settings_dict
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or "5432"
    suffix = uuid.uuid4().hex[:8]
    name, role = f"tumorboard_roles_{suffix}", f"tumorboard_app_{suffix}"
    admin = psycopg.connect(host=host, port=port, user=settings_dict["USER"], dbname="postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    try:
        owner = f"postgres://{settings_dict['USER']}@{host}:{port}/{name}"
        app = f"postgres://{role}:app-secret@{host}:{port}/{name}"
        yield owner, app, role
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def test_migrate_creates_the_app_role_which_works_but_cannot_touch_the_audit_log(deployment, tmp_path):
    owner, app, role = deployment
    migrated = manage(
        "migrate", "--noinput", "-v", "0", url=owner, DATABASE_APP_ROLE=role, DATABASE_APP_PASSWORD="app-secret"
    )
    assert migrated.returncode == 0, migrated.stderr
    loaded = manage("load_demo", "-v", "0", url=app, MEDIA_ROOT=str(tmp_path / "media"))  # the app's own work
    assert loaded.returncode == 0, loaded.stderr
    # the case reads write their audit rows in their own statement (cases.api.case_reads): INSERT is enough
    read = manage("shell", "-v", "0", "-c", READ_CASES, url=app)
    assert read.returncode == 0 and read.stdout.split() == ["1", "read", "list"], read.stderr  # one text, two rows
    with psycopg.connect(app.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tumorboard_auditevent (at, action, object_type, object_id, detail, request_id) "
            "VALUES (now(), 'read', 'cases.case', 'x', '{}', '')"
        )
        for statement, refusal in [
            ("UPDATE tumorboard_auditevent SET action = 'list'", "permission denied"),
            ("DELETE FROM tumorboard_auditevent", "permission denied"),
            ("TRUNCATE tumorboard_auditevent", "permission denied"),
            ("ALTER TABLE tumorboard_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ]:
            with pytest.raises(psycopg.Error, match=refusal):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM tumorboard_auditevent").fetchone()[0] >= 1
    owner_connection = psycopg.connect(owner.replace("postgres://", "postgresql://"), autocommit=True)
    with owner_connection as conn, pytest.raises(psycopg.Error, match="append-only: TRUNCATE"):
        conn.execute("TRUNCATE tumorboard_auditevent CASCADE")
