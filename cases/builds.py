"""One pipeline for the rendered documents (case packets, second-opinion reports): claim the row, render outside any
transaction, commit under the row's lock only while still its claimant; and the sweep's notion of a stuck build.

A build claims its row by writing its start time (a message redelivered after a worker was killed claims it again);
two builds may overlap (a data change and an on-demand request), and only the one that claimed last writes its
result: the others answer "superseded". A failure keeps its error on the row, and the last good output stays. A new
document type gives its row (``status``, ``started_at``, ``attempts``, ``error``), what makes a build unnecessary,
how to render and how to commit.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cases.codes import PacketStatus
from cases.states import BUILD

logger = logging.getLogger(__name__)


def request(model: type[models.Model], **lookup) -> Any:
    """Ask for a (re)build of the ``model`` row found by ``lookup`` (created pending if missing), under its lock, for a
    document whose row says since when it was asked for (``requested_at``). A request while it builds is found by the
    build as it commits (``finish``); the caller enqueues the build task on commit."""
    now = timezone.now()
    row, created = model.objects.select_for_update().get_or_create(
        **lookup, defaults={"requested_at": now, "status": PacketStatus.PENDING}
    )
    if not created and row.status == PacketStatus.BUILDING:
        row.requested_at = now
        row.save(update_fields=["requested_at", "updated_at"])
    elif not created:
        BUILD.apply(row, "request", fields={"requested_at": now})
    return row


def request_many(model: type[models.Model], field: str, ids: list[int]) -> None:
    """``request`` for the rows of many objects (``field`` the one-to-one that names them, ``ids`` theirs), in a few
    statements: the existing rows locked in id order and asked again, the missing ones created pending."""
    now = timezone.now()
    rows = list(model.objects.select_for_update().filter(**{f"{field}_id__in": ids}).order_by("id"))
    found = {getattr(row, f"{field}_id") for row in rows}
    model.objects.bulk_create(
        [
            model(**{f"{field}_id": pk, "requested_at": now, "status": PacketStatus.PENDING})
            for pk in ids
            if pk not in found
        ],
        ignore_conflicts=True,  # created meanwhile by a request that holds no lock of ours: pending, as ours would be
    )
    building = [row.pk for row in rows if row.status == PacketStatus.BUILDING]
    model.objects.filter(pk__in=building).update(requested_at=now, updated_at=now)
    asked = [row for row in rows if row.status != PacketStatus.BUILDING]
    BUILD.apply_many(asked, "request", fields=[{"requested_at": now}] * len(asked))


def answered(row) -> bool:
    """A finished build (ready or failed) already answers the row's latest request: a redelivered message skips it."""
    return row.status in {PacketStatus.READY, PacketStatus.FAILED} and bool(
        row.started_at and row.requested_at <= row.started_at
    )


def finish(row, started: datetime.datetime, **fields) -> None:
    """Under the row's lock, the build that started at ``started`` is done: ready, or pending again when a request
    arrived meanwhile (its message rebuilds it)."""
    step = "rebuild" if row.requested_at > started else "finish"
    BUILD.apply(row, step, fields={"error": "", **fields})


def build(
    rows: models.QuerySet,
    *,
    skip: Callable[[Any], bool],
    render: Callable[[Any], Any],
    commit: Callable[[Any, Any, datetime.datetime], str],
    what: str,
) -> str:
    """Build the one row of ``rows``. ``skip(row)``: a finished build already answers it; ``render(row)`` runs outside
    any transaction and returns what ``commit(row, rendered, started)`` writes under the row's lock (its return value
    is the outcome). Returns skipped, failed, superseded or the commit's outcome (for logs and tests)."""
    with transaction.atomic():
        row = rows.select_for_update().first()
        if row is None or skip(row):
            return "skipped"
        started = timezone.now()
        BUILD.apply(row, "claim", fields={"started_at": started, "attempts": row.attempts + 1})
    try:
        rendered = render(row)
    except Exception as exc:  # kept with its error; the last good output stays
        logger.exception("%s %s: the build failed", what, row.pk)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        BUILD.apply(row, "fail", fields={"error": error}, where={"started_at": started})  # still its claimant
        return "failed"
    with transaction.atomic():
        row = type(row).objects.select_for_update().get(pk=row.pk)
        if row.started_at != started:
            return "superseded"  # claimed again meanwhile: the later build's result is the one kept
        return commit(row, rendered, started)


def stale(
    rows: models.QuerySet,
    *,
    waiting_since: str,
    pending_after: datetime.timedelta,
    building_after: datetime.timedelta,
    retry_failed_below: int | None = None,
) -> models.QuerySet:
    """The rows a sweep re-enqueues: pending since before ``pending_after`` (a lost message, ``waiting_since`` the
    field that says since when), building for longer than ``building_after`` (a dead worker), and failed fewer than
    ``retry_failed_below`` times (if given)."""
    now = timezone.now()
    stuck = Q(status=PacketStatus.PENDING, **{f"{waiting_since}__lt": now - pending_after}) | Q(
        status=PacketStatus.BUILDING, started_at__lt=now - building_after
    )
    if retry_failed_below is not None:
        stuck |= Q(status=PacketStatus.FAILED, attempts__lt=retry_failed_below, updated_at__lt=now - pending_after)
    return rows.filter(stuck)
