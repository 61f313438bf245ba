"""Aggregate figures (the analytics, the dashboard's counts) cached until the next write of what they count.

One generation token in the shared cache (Django's ``default`` cache: Redis, or the file cache of the embedded run)
stands for the state of the *watched* tables, those the cached computations read (each app's ``ready()`` names them
with ``watch``). Every INSERT, UPDATE, DELETE or TRUNCATE of a watched table, whoever runs it (a service, a bulk
update, a task, the admin, raw SQL), replaces the token once its transaction commits: an execute wrapper on every
database connection sees the statement and registers the replacement with ``on_commit`` (once per transaction), so
a rolled-back write replaces nothing and a committed one is never missed. A figure is cached under (name, token,
user, filters): the next answer after a commit is computed afresh, and no two users ever share an entry, so neither
do two institutions' scopes. A transaction that has itself written a watched table computes its figures afresh.

The token is a random string, not a counter: an evicted token is replaced by a new one, never by a value an old entry
was stored under. Entries also expire after ``FIGURES_CACHE_SECONDS``: that bounds what only the clock changes (a
plan becoming due for follow-through) and a replacement lost because the cache was unreachable at commit. 0 turns
the cache off (the default with a process-local cache, which cannot see the other processes' writes, and in tests).
If the cache cannot be read, the figure is computed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

GENERATION_KEY = "figures:generation"
_WATCHED: set[str] = set()
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
# ... and inside a data-modifying WITH (``WITH x AS (INSERT INTO "t" ...) SELECT``), as the case reads write their
# audit rows; searched from each "(" of a statement that begins with WITH only (a long SELECT costs nothing).
_WRITE_IN_WITH = re.compile(r'\(\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
# A sign-in's ``last_login`` (Django's update_last_login) is the one write to a watched row that no figure counts.
_SIGN_IN = re.compile(r'\s*UPDATE\s+"[^"]+"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)


def watch(*models: Iterable) -> None:
    """Writes to these models' tables make every cached figure stale."""
    _WATCHED.update(model._meta.db_table for model in models)
    _statement_watched.cache_clear()


def watched_tables() -> frozenset[str]:
    return frozenset(_WATCHED)


def _enabled() -> bool:
    return settings.FIGURES_CACHE_SECONDS > 0


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def bump() -> None:
    """Make every cached figure stale (what a committed write of a watched table does)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name: str, user, params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """``compute()``, or its answer for the same ``user`` and ``params`` since the last watched write."""
    if not _enabled() or user.pk is None or _written_here():
        return compute()
    digest = hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:32]
    try:
        key = f"figures:{name}:{_generation()}:{user.pk}:{digest}"  # the token read before computing
        found = cache.get(key)
    except Exception:  # the cache is down: answer from the database
        logger.warning("figures cache unreachable; computing %s", name, exc_info=True)
        return compute()
    if found is not None:
        return found[0]
    value = compute()
    try:
        cache.set(key, (value,), timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:
        logger.warning("figures cache unreachable; %s not kept", name, exc_info=True)
    return value


def _written_here() -> bool:
    """This transaction has written a watched table: its own figures are not the cached ones (nor to be cached)."""
    return connection.in_atomic_block and any(func is bump for _, func, _ in connection.run_on_commit)


def _bump_after_commit(db) -> None:
    if db.in_atomic_block:
        savepoints = set(db.savepoint_ids)
        # Already registered in this transaction, at this savepoint or an enclosing one: it runs at commit unless
        # a rollback also undoes this write.
        if any(func is bump and sids <= savepoints for sids, func, _ in db.run_on_commit):
            return
        db.on_commit(bump, robust=True)
    elif db.get_autocommit():
        db.on_commit(bump, robust=True)  # runs now
    else:  # manual transaction management: no on_commit; replace it now (and the entry expires in any case)
        bump()


# per statement text: looking for a write inside a WITH cost 35 µs on the case reads' 15 kB statement, a few percent
# of a case's detail
@lru_cache(maxsize=1024)
def _statement_watched(sql: str) -> bool:
    if sql.lstrip()[:8].upper().startswith("TRUNCATE"):
        return True
    if (match := _WRITE.match(sql)) is not None:
        return match[1] in _WATCHED and _SIGN_IN.match(sql) is None
    with_ = sql.lstrip()[:4].upper() == "WITH"
    return with_ and any(table in _WATCHED for table in _WRITE_IN_WITH.findall(sql))


def _execute(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _enabled() and _statement_watched(sql):
        _bump_after_commit(context["connection"])
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: watch the writes of every connection (first in line, so that Django's
    ``execute_wrapper()`` context manager, which pops the last wrapper, never removes this one)."""
    if _execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _execute)
