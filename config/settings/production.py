"""Production: everything of ``base`` plus the deployment checklist. Refuses to start without SECRET_KEY."""

import os

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production (config.settings.production).")

from config.env import as_bool, as_int, env
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, DATABASES, REST_FRAMEWORK

DEBUG = False
DEMO_LOAD_ALLOWED = False
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL).")
if not os.environ.get("CELERY_BROKER_URL"):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production (Redis).")

DATABASES["default"]["CONN_MAX_AGE"] = env("CONN_MAX_AGE", as_int, default=60)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["tumorboard.api.renderers.JSONRenderer"]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", as_bool, default=True)
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", as_int, default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The hashed, compressed files collectstatic wrote (the Dockerfile runs it), read once at start-up.
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
