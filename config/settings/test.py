"""The test configuration: base settings on PostgreSQL/Redis from the environment, with test-only speed-ups."""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

from config.env import as_bool, as_cache, as_int, env
from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", str, default=tempfile.mkdtemp(prefix="tumorboard-media-"))
# Tasks run in-process unless a test starts a real worker (tests/conftest.py: celery_worker).
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", as_bool, default=True)
# Under pytest-xdist each process has its own test database (pytest-django) and its own Redis database, so a
# real worker started by one process never takes another's messages: gw0 keeps the given db, gwN adds N.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and CELERY_BROKER_URL.startswith("redis://"):  # noqa: F405
    _broker = urlsplit(CELERY_BROKER_URL)  # noqa: F405
    _db = int(_broker.path.strip("/") or 0) + int(_XDIST_WORKER[2:])
    CELERY_BROKER_URL = urlunsplit(_broker._replace(path=f"/{_db}"))
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL  # Celery reads the variable before the setting
# Each test process its own cache (sign-in failure counts, used codes): tests/conftest.py clears it for every test; a
# test that needs processes to share one starts them with a CACHE_URL of its own.
CACHES = {"default": env("TEST_CACHE_URL", as_cache, default=as_cache("locmem://"))}
# Figures computed on every call, so a test that writes and reads again needs no commit; the cache's own tests turn it
# on (tests/cases/test_analytics_cache.py).
FIGURES_CACHE_SECONDS = env("FIGURES_CACHE_SECONDS", as_int, default=0)
# The test runner empties every table between transactional tests with TRUNCATE, which the audit table's guard would
# refuse; tests/tumorboard/test_audit.py installs the guard in its own transaction and proves it.
AUDIT_TRUNCATE_GUARD = False
