"""Settings from the environment, through one helper that fails loudly on a bad value.

Every setting that may come from the environment is read with ``env(NAME, cast, default)``. A value
that cannot be converted raises ``ImproperlyConfigured`` naming the variable and the reason, so a typo
in a deployment stops the process at start-up instead of running with a silently wrong setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def as_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"expected one of {sorted(_TRUE | _FALSE - {''})}")


def as_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def as_int(raw: str) -> int:
    return int(raw.strip())


def as_database(raw: str) -> dict[str, Any]:
    """Parse ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES['default']."""
    url = urlparse(raw)
    if url.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(url.path.lstrip("/"))
        if not name:
            raise ValueError("the URL names no database")
        options = {key: values[-1] for key, values in parse_qs(url.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
            "OPTIONS": options,
        }
    if url.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db
        path = unquote(raw[len("sqlite:///") :]) if raw.startswith("sqlite:///") else ""
        if not path:
            raise ValueError("the URL names no file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    raise ValueError("scheme must be postgres:// or sqlite://")


def as_cache(raw: str) -> dict[str, Any]:
    """``redis://host:port/db``, ``file:///path`` or ``locmem://`` into CACHES['default']."""
    url = urlparse(raw)
    if url.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if url.scheme == "file" and url.path:
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": unquote(url.path)}
    if url.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ValueError("scheme must be redis://, file:///path or locmem://")


def env(name: str, cast: Callable[[str], Any] = str, default: Any = _MISSING) -> Any:
    """Read ``name`` from the environment and convert it with ``cast``.

    Missing without a default, or not convertible, raises ImproperlyConfigured with the reason.
    """
    raw = os.environ.get(name)
    if raw is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    try:
        return cast(raw)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"The environment variable {name}={raw!r} is invalid: {exc}") from exc
