"""The environment helper, the production configuration, and the health endpoints."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import as_bool, as_database, as_int, as_list, env


def test_env_reads_and_casts(monkeypatch):
    monkeypatch.setenv("TB_FLAG", "yes")
    monkeypatch.setenv("TB_HOSTS", "a.example.org, b.example.org,")
    monkeypatch.setenv("TB_N", "12")
    assert env("TB_FLAG", as_bool) is True
    assert env("TB_HOSTS", as_list) == ["a.example.org", "b.example.org"]
    assert env("TB_N", as_int) == 12
    assert env("TB_ABSENT", default="x") == "x"


@pytest.mark.parametrize(("name", "raw", "cast"), [("TB_FLAG", "maybe", as_bool), ("TB_N", "twelve", as_int)])
def test_env_fails_loudly_on_a_bad_value(monkeypatch, name, raw, cast):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{name}='{raw}' is invalid"):
        env(name, cast)


def test_env_requires_a_value_without_default():
    with pytest.raises(ImproperlyConfigured, match="TB_REQUIRED is required"):
        env("TB_REQUIRED")


@pytest.mark.django_db
def test_postgresql_runs_without_jit_with_an_ssd_page_cost_and_generic_plans_for_what_is_prepared():
    """JIT compilation cost the analytics' aggregates ten times their run time; a random page cost of 4 made the
    planner scan whole tables for a small scope; a page of one case was planned again at each request
    (config/settings/base.py)."""
    from django.db import connection

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


def test_database_urls():
    pg = as_database("postgres://tb:s%40cret@db.internal:5433/tumorboard?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "tb",
        "s@cret",
        "db.internal",
        "5433",
        "tumorboard",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert as_database("sqlite:////var/lib/tb.sqlite3")["NAME"] == "/var/lib/tb.sqlite3"
    assert as_database("sqlite:///db.sqlite3")["NAME"] == "db.sqlite3"
    for bad in ("mysql://x/y", "postgres://host/", "sqlite://"):
        with pytest.raises(ValueError):
            as_database(bad)


def _manage_check(extra_env):
    env_ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env_.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=env_, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage_check({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_a_bad_boolean():
    result = _manage_check(
        {
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tumorboard",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
            "SECURE_SSL_REDIRECT": "perhaps",
        }
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='perhaps' is invalid" in result.stderr


@pytest.mark.django_db
def test_healthz_and_readyz(client, settings):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_reports_a_broker_that_does_not_answer(client):
    from config.celery import app

    previous = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_write_url = previous
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.django_db
def test_a_long_prepared_statement_has_its_placeholders_converted_once():
    """psycopg converts ``%s`` to ``$1`` again at every run of a statement over 4 kB; the prepared cursor keeps the
    conversion (tumorboard/database.py), and runs the statement with each run's parameters."""
    from tumorboard.database import _converted, prepared_cursor

    statement = "SELECT %s::int + %s::int" + " " * 5000  # longer than what psycopg keeps
    with prepared_cursor() as cursor:
        cursor.execute(statement, [1, 2])
        assert cursor.fetchone() == (3,)
        before = _converted.cache_info()
        cursor.execute(statement, [40, 2])
        assert cursor.fetchone() == (42,)
    after = _converted.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
