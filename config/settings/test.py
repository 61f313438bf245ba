"""The test configuration: base settings on PostgreSQL/Redis from the environment, with test-only speed-ups."""

import tempfile

from config.env import as_bool, env
from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", str, default=tempfile.mkdtemp(prefix="tumorboard-media-"))
# Tasks run in-process unless a test starts a real worker (tests/conftest.py: celery_worker).
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", as_bool, default=True)
