"""Aggregate figures (the analytics, the dashboard's waiting count) cached until the next write of what they count.

A figure over cases is kept per user and filters in parts, one per group of CASE_GROUP case ids, and as their sum
(``cached_by_case``). Tokens in the shared cache (Django's ``default`` cache: Redis, or the file cache of the
embedded run) stand for the state of the *watched* tables, those the cached computations read (each app's
``ready()`` names them with ``watch``): one per group of cases, replaced by the writes of those cases' rows, and one
per other table. Every INSERT, UPDATE, DELETE or TRUNCATE of a watched table, whoever runs it (a service, a bulk
update, a task, the admin, raw SQL), replaces tokens once its transaction commits: an execute wrapper on every
database connection sees the statement and registers the replacement with ``on_commit`` (once per transaction), so a
rolled-back write replaces nothing and a committed one is never missed. On PostgreSQL, statement triggers name the
cases a statement wrote (cases/migrations/0020), and only their groups' parts are stale: the next answer computes
those, takes their old version away from the kept sum and adds the new one, so the first load after a case's write
costs about the same at 1,000 and at 100,000 cases (issue 20). A write of another watched table (a board, a
membership, a user), a TRUNCATE, and on another database any write, make every part stale.

No two users ever share an entry, so neither do two institutions' scopes. A transaction that has itself written a
watched table computes its figures afresh.

A token is a random string, not a counter: an evicted token is replaced by a new one, never by a value an old entry
was stored under. Entries also expire after ``FIGURES_CACHE_SECONDS``: that bounds a replacement lost because the
cache was unreachable at commit (what only the clock changes, a plan becoming due for follow-through, is worked out
at every load from the instants a part keeps). 0 turns the cache off (the default with a process-local cache, which
cannot see the other processes' writes, and in tests). If the cache cannot be read, the figure is computed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import operator
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, IntegerField, Q, Value

logger = logging.getLogger(__name__)

EVERYTHING_KEY = "figures:everything"  # replaced by a TRUNCATE of a watched table: every entry stale
TABLE_KEY = "figures:table:{}"
CASES_KEY = "figures:cases:{}"
# The cases' ids in groups of this many: a figure kept per group (``cached_by_case``) is stale when a row of one of
# its cases changes. The triggers of cases/migrations/0020 name the groups a statement wrote (the same number).
CASE_GROUP = 1024
_WATCHED: set[str] = set()
_BY_CASE: set[str] = set()  # watched tables whose writes the triggers name by the groups of the cases they touch
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?([\w$]+)', re.IGNORECASE)
# ... and inside a data-modifying WITH (``WITH x AS (INSERT INTO "t" ...) SELECT``), as the case reads write their
# audit rows; searched from each "(" of a statement that begins with WITH only (a long SELECT costs nothing).
_WRITE_IN_WITH = re.compile(r'\(\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?([\w$]+)', re.IGNORECASE)
# A sign-in's ``last_login`` (Django's update_last_login) is the one write to a watched row that no figure counts.
_SIGN_IN = re.compile(r'\s*UPDATE\s+"[^"]+"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)
_TRUNCATE = frozenset({"*"})  # what a TRUNCATE writes: anything


def watch(*models: Iterable, by_case: Iterable = ()) -> None:
    """Writes to these models' tables make the cached figures that read them stale; ``by_case``: tables whose writes
    PostgreSQL names by the cases they touch (the triggers of cases/migrations/0020), watched too."""
    _WATCHED.update(model._meta.db_table for model in models)
    _BY_CASE.update(model._meta.db_table for model in by_case)
    _WATCHED.update(_BY_CASE)
    _written_tables.cache_clear()


def watched_tables() -> frozenset[str]:
    return frozenset(_WATCHED)


def by_case_tables() -> frozenset[str]:
    return frozenset(_BY_CASE)


def _enabled() -> bool:
    return settings.FIGURES_CACHE_SECONDS > 0


def _tokens(keys: list[str]) -> list[str]:
    """The current token of each key; a missing one (never replaced, or evicted) is made, never reused."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
    if len(found) < len(keys):
        found = cache.get_many(keys)
    return [found[key] for key in keys]


def _digest(params: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:32]


class Totals(Protocol):
    """A figure over cases as the sum of its parts (``cached_by_case``)."""

    # The shape of the parts and of the totals, in the keys they are kept under: a new number when it changes, so that
    # a process of the new code never reads what an earlier one kept (the entries are pickled).
    FORMAT: int

    def add(self, group: int | None, part: Any, sign: int = 1) -> None:
        """Add the part of a group (None: every case, in one part), or take it away (``sign`` -1)."""

    def settle(self) -> None:
        """Done adding: read what the answer needs besides the parts (once, before the totals are kept)."""

    def answer(self) -> Any:
        """The figure (what depends on the clock is worked out here, at every load)."""


def cached_by_case(
    name: str,
    user,
    params: dict[str, Any],
    *,
    last_case: Callable[[], int],
    compute: Callable[[list[int] | None], dict[int | None, Any]],
    totals: type[Totals],
) -> Any:
    """A figure over cases, for ``user`` and ``params``, kept in parts, one per group of CASE_GROUP case ids, and as
    their sum (``totals``). A committed write of one case's rows (a table watched ``by_case``) makes its group's part
    stale, a write of another watched table every part. The next answer computes the stale
    parts only, with one call of ``compute(groups)`` (parts by group; a group with none of the figure's rows needs no
    part), and takes the kept totals, takes the stale parts away and adds the new ones: the cost of a load after one
    case's write does not grow with the number of cases. ``compute(None)`` computes the figure in one part, as without
    the cache. ``last_case()``: the greatest case id (which groups there are). Where the database cannot name the
    cases a write touched (not PostgreSQL), a write of a table watched ``by_case`` makes every part stale."""
    if not _enabled() or user.pk is None or _written_here():
        return _summed(totals(), compute(None)).answer()
    tables = sorted(_WATCHED if connection.vendor != "postgresql" else _WATCHED - _BY_CASE)
    groups = range(last_case() // CASE_GROUP + 1)
    try:
        shared = _tokens([EVERYTHING_KEY, *(TABLE_KEY.format(table) for table in tables)])
        tokens = dict(zip(groups, _tokens([CASES_KEY.format(group) for group in groups]), strict=True))  # before
        prefix = f"figures:{name}:{totals.FORMAT}:{_digest({'tables': shared})}:{user.pk}:{_digest(params)}"
        kept = cache.get(f"{prefix}:totals")  # (the tokens of the parts summed, the totals)
        if kept is not None and kept[0] == tokens:
            return kept[1].answer()
        stale = [group for group in groups if kept is None or kept[0].get(group) != tokens[group]]
        if kept is not None:  # the stale parts as they were summed (and those of groups gone), to take them away
            gone = [group for group in kept[0] if group not in tokens]  # the greatest cases deleted
            was = {group: f"{prefix}:{group}:{kept[0][group]}" for group in stale + gone if group in kept[0]}
            old = cache.get_many(list(was.values()))
            if len(old) < len(was):  # one no longer kept (evicted): sum every part again
                kept, stale = None, list(groups)
        found = cache.get_many([f"{prefix}:{group}:{tokens[group]}" for group in stale])
    except Exception:
        logger.warning("figures cache unreachable; computing %s", name, exc_info=True)
        return _summed(totals(), compute(None)).answer()
    missing = [group for group in stale if f"{prefix}:{group}:{tokens[group]}" not in found]
    computed = compute(missing) if missing else {}
    fresh = {f"{prefix}:{group}:{tokens[group]}": (computed.get(group),) for group in missing}
    found.update(fresh)
    if kept is None:
        summed = totals()
    else:
        summed = kept[1]
        for group, key in was.items():
            if (part := old[key][0]) is not None:
                summed.add(group, part, -1)
    for group in stale:
        if (part := found[f"{prefix}:{group}:{tokens[group]}"][0]) is not None:
            summed.add(group, part)
    summed.settle()
    try:
        cache.set_many({**fresh, f"{prefix}:totals": (tokens, summed)}, timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:
        logger.warning("figures cache unreachable; %s not kept", name, exc_info=True)
    return summed.answer()


class Counted:
    """A count kept in parts (``cached_by_case``): a part is the number of its group's cases counted."""

    FORMAT = 1

    def __init__(self):
        self.total = 0

    def add(self, group: int | None, part: int, sign: int = 1) -> None:
        self.total += sign * part

    def settle(self) -> None:
        pass

    def answer(self) -> int:
        return self.total


def among(groups: list[int] | None, field: str) -> Q:
    """``field`` (a case's id) in one of the groups of CASE_GROUP ids (None: any): a range per run of groups."""
    if groups is None:
        return Q()
    runs: list[list[int]] = []
    for group in sorted(groups):
        if runs and runs[-1][-1] == group - 1:
            runs[-1].append(group)
        else:
            runs.append([group])
    ranges = [Q(**{f"{field}__gte": run[0] * CASE_GROUP, f"{field}__lt": (run[-1] + 1) * CASE_GROUP}) for run in runs]
    return functools.reduce(operator.or_, ranges, Q(pk__in=[]))


def group_of(field: str, groups: list[int] | None):
    """The part a row counts in: its case's group, or one part (None) when the figure is computed in one."""
    return Value(None, output_field=IntegerField()) if groups is None else F(field) / CASE_GROUP


def _summed(totals: Totals, parts: dict[int | None, Any]) -> Totals:
    for group, part in parts.items():
        totals.add(group, part)
    totals.settle()
    return totals


def _written_here() -> bool:
    """This transaction has written a watched table: its own figures are not the cached ones (nor to be cached)."""
    return connection.in_atomic_block and any(isinstance(func, _Stale) for _, func, _ in connection.run_on_commit)


class _Stale:
    """What a transaction's writes make stale: replaced (each token a new random one) once it commits."""

    def __init__(self):
        self.everything = False
        self.tables: set[str] = set()
        self.groups: set[int] = set()

    def add(self, tables: frozenset[str], groups: Iterable[int]) -> None:
        if tables is _TRUNCATE:
            self.everything = True
        else:
            self.tables |= tables
        self.groups.update(groups)

    def __call__(self) -> None:
        keys = [TABLE_KEY.format(table) for table in self.tables]
        keys += [CASES_KEY.format(group) for group in self.groups]
        keys += [EVERYTHING_KEY] if self.everything else []
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def _cases_written(db) -> list[int]:
    """The groups of the cases whose rows this connection's statements wrote since the last call: the triggers of
    cases/migrations/0020 add them to a setting of the session (undone with a rolled-back write), taken and cleared
    here in one statement of built-in functions (none missing before that migration has run)."""
    with db.cursor() as cursor:
        cursor.execute(_TAKE_CASES)
        taken = cursor.fetchone()[0]
    return [int(group) for group in taken.split(",")] if taken else []


_TAKE_CASES = (
    "WITH taken AS MATERIALIZED (SELECT current_setting('figures.cases', true) AS groups) "
    "SELECT groups, set_config('figures.cases', '', false) FROM taken"
)


def _stale_after_commit(db, tables: frozenset[str]) -> None:
    groups = _cases_written(db) if db.vendor == "postgresql" and not tables.isdisjoint(_BY_CASE) else []
    if db.vendor == "postgresql":
        tables = tables if tables is _TRUNCATE else tables - _BY_CASE  # their groups stand for them
    if db.in_atomic_block:
        savepoints = set(db.savepoint_ids)
        # Already registered in this transaction, at this savepoint or an enclosing one: it runs at commit unless
        # a rollback undoes this write too (a savepoint's rollback leaves the enclosing one: stale for nothing).
        for sids, func, _ in db.run_on_commit:
            if isinstance(func, _Stale) and sids <= savepoints:
                func.add(tables, groups)
                return
    stale = _Stale()
    stale.add(tables, groups)
    if db.in_atomic_block or db.get_autocommit():
        db.on_commit(stale, robust=True)  # in autocommit: runs now
    else:  # manual transaction management: no on_commit; replace it now (and the entry expires in any case)
        stale()


# per statement text: looking for a write inside a WITH cost 35 µs on the case reads' 15 kB statement, a few percent
# of a case's detail
@functools.lru_cache(maxsize=1024)
def _written_tables(sql: str) -> frozenset[str]:
    """The watched tables the statement writes (``_TRUNCATE``: a TRUNCATE, of anything)."""
    if sql.lstrip()[:8].upper().startswith("TRUNCATE"):
        return _TRUNCATE
    if (match := _WRITE.match(sql)) is not None:
        watched = match[1] in _WATCHED and _SIGN_IN.match(sql) is None
        return frozenset({match[1]}) if watched else frozenset()
    if sql.lstrip()[:4].upper() != "WITH":
        return frozenset()
    return frozenset(table for table in _WRITE_IN_WITH.findall(sql) if table in _WATCHED)


def _execute(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _enabled() and (tables := _written_tables(sql)):
        _stale_after_commit(context["connection"], tables)
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: watch the writes of every connection (first in line, so that Django's
    ``execute_wrapper()`` context manager, which pops the last wrapper, never removes this one)."""
    if _execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _execute)
