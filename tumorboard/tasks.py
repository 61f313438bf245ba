"""Kernel tasks: a notification's delivery and its sweep."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings

from tumorboard import audit_archive
from tumorboard.notifications import notification_deliver, notifications_pending_stale

logger = logging.getLogger(__name__)


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
    notification_deliver(notification_id=notification_id)


@shared_task(soft_time_limit=120, time_limit=180)
def notifications_sweep() -> int:
    """Re-enqueue notifications a lost message left pending."""
    ids = list(notifications_pending_stale(datetime.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)))
    for notification_id in ids:
        notification_send.delay(notification_id)
    if ids:
        logger.info("re-enqueued %d pending notifications", len(ids))
    return len(ids)


@shared_task(soft_time_limit=120, time_limit=180)
def audit_partitions_ahead() -> int:
    """Make the audit log's partitions of this month and the next ones (tumorboard.audit_archive)."""
    made = audit_archive.audit_partitions_ahead()
    if made:
        logger.info("made audit partitions %s", ", ".join(made))
    return len(made)
