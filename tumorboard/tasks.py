"""Kernel tasks and the one way to enqueue a task: after the surrounding transaction commits."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Send ``task`` with JSON-safe ``args`` (ids only) once the current transaction has committed.

    The state is already in PostgreSQL when the message goes out. If the broker cannot take it, the
    user's request still succeeds: the row waits in its pending state and a periodic sweep sends it.
    """

    def send():
        try:
            task.delay(*args)
        except Exception:  # kombu/redis connection errors: logged, and recovered by the sweeps
            logger.exception("could not enqueue %s%r; the sweep will retry", task.name, args)

    transaction.on_commit(send)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
)
def notification_send(self, notification_id: int) -> None:
    from tumorboard.notifications import notification_deliver

    notification_deliver(notification_id=notification_id)


@shared_task(soft_time_limit=120, time_limit=180)
def notifications_sweep() -> int:
    """Re-enqueue notifications a lost message left pending."""
    from tumorboard.notifications import notifications_pending_stale

    ids = list(notifications_pending_stale(datetime.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)))
    for notification_id in ids:
        notification_send.delay(notification_id)
    if ids:
        logger.info("re-enqueued %d pending notifications", len(ids))
    return len(ids)
